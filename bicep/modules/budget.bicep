// A monthly cost budget on the resource group with several notifications, actual and forecasted.
import { budgetAlertType } from '../types.bicep'

@description('Required. Budget name.')
param name string

@description('Required. Monthly amount in the billing currency.')
@minValue(1)
param amount int

@description('Required. First day of the first budget month, yyyy-MM-01.')
@minLength(10)
@maxLength(10)
param startDate string

@description('Required. The notifications: threshold percent, Actual or Forecasted cost, and the comparison.')
@minLength(1)
param alerts budgetAlertType[]

@description('Required. Email addresses notified directly.')
@minLength(1)
param contactEmails string[]

@description('Required. Action group resource ids notified.')
param contactGroups string[]

resource budget 'Microsoft.Consumption/budgets@2026-06-01' = {
  name: name
  properties: {
    category: 'Cost'
    amount: amount
    timeGrain: 'Monthly'
    timePeriod: {
      startDate: '${startDate}T00:00:00Z'
    }
    notifications: toObject(
      alerts,
      a => '${a.thresholdType}_${a.?operator ?? 'GreaterThanOrEqualTo'}_${a.threshold}_Percent',
      a => {
        enabled: true
        operator: a.?operator ?? 'GreaterThanOrEqualTo'
        threshold: a.threshold
        thresholdType: a.thresholdType
        contactEmails: contactEmails
        contactGroups: contactGroups
        locale: 'en-us'
      }
    )
  }
}

@description('Budget name.')
output name string = budget.name

@description('Budget resource id.')
output resourceId string = budget.id
