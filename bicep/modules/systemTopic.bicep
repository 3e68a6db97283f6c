// The Event Grid system topic of the storage account, with a system-assigned identity: Event Grid writes the events
// it gives up on (dead letters) into a blob container as this identity (deadLetterWithResourceIdentity), so the
// storage account keeps shared keys off. Created before the role assignments, which give the identity its container.
import { tagsType } from '../types.bicep'

@description('Required. System topic name.')
param name string

@description('Required. Azure region (the storage account\'s).')
param location string

@description('Required. Tags of the system topic.')
param tags tagsType

@description('Required. Name of the storage account whose events the topic carries.')
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

@description('System topic name.')
output name string = systemTopic.name

@description('Object id of the topic\'s system-assigned identity (it writes dead-lettered events).')
output principalId string = systemTopic.identity.principalId
