// The people told when the budget is at risk: an action group with email receivers.
import { tagsType } from '../types.bicep'

@description('Required. Action group name.')
param name string

@description('Required. Short name shown in notifications (at most 12 characters).')
@maxLength(12)
param shortName string

@description('Required. Tags of the action group.')
param tags tagsType

@description('Required. Email addresses that receive the alerts.')
@minLength(1)
param emails string[]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    emailReceivers: [
      for (email, i) in emails: {
        name: 'email-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

@description('Action group resource id, for the budget\'s contactGroups.')
output resourceId string = actionGroup.id
