// Flex Consumption runs blob triggers only through Event Grid: a system topic on the storage account and a
// subscription that posts BlobCreated events of one container to the Functions blob extension's webhook.
import { tagsType } from '../types.bicep'

@description('Required. System topic name.')
param systemTopicName string

@description('Required. Azure region (the storage account\'s).')
param location string

@description('Required. Tags of the system topic.')
param tags tagsType

@description('Required. Name of the storage account whose events the topic carries.')
param storageAccountName string

@description('Required. Function App that hosts the blob-triggered function.')
param functionAppName string

@description('Required. Name of the blob-triggered function, as registered with app.storageBlob().')
param triggerFunctionName string

@description('Required. Blob container whose new blobs trigger the function.')
param containerName string

@description('Optional. Create the subscription. Its webhook needs the blobs_extension system key, which exists only once the app\'s code is deployed: false on the very first provisioning of an environment, true after the first code deployment.')
param subscribe bool = true

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

// Microsoft.Web/sites/host has no Bicep types, so its keys are read with the listKeys() function.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2025-03-01').systemKeys.blobs_extension

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribe) {
  parent: systemTopic
  name: '${triggerFunctionName}-blob-created'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The key stays inside the subscription: it is in no output, parameter or app setting.
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${triggerFunctionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/blobs/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

@description('System topic name.')
output systemTopicName string = systemTopic.name

@description('Event subscription name, empty while not subscribed.')
output subscriptionName string = subscribe ? blobCreated.name : ''
