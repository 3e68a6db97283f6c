// Flex Consumption runs blob triggers only through Event Grid: a subscription on the storage account's system topic
// posts BlobCreated events of one container (under a name prefix) to the Functions blob extension's webhook. Events Event Grid gives up on
// (after maxDeliveryAttempts or eventTimeToLiveInMinutes) go to a dead-letter container, written with the topic's
// system-assigned identity, so none is lost; `npm run replay` preprocesses the pictures of the manifests they name.
// Docs: learn.microsoft.com/azure/event-grid/manage-event-delivery (dead-letter blobs: <container>/<SUBSCRIPTION NAME
// in upper case>/<yyyy>/<M>/<d>/<H>/<guid>.json, each a JSON array of events) and .../event-grid/add-identity-roles
// (Azure Blob storage destination: Storage Blob Data Contributor).

@description('Required. Name of the storage account\'s system topic (it has a system-assigned identity).')
param systemTopicName string

@description('Required. Name of the storage account whose events the topic carries; it also holds the dead letters.')
param storageAccountName string

@description('Required. Function App that hosts the blob-triggered function.')
param functionAppName string

@description('Required. Name of the blob-triggered function, as registered with app.storageBlob().')
param triggerFunctionName string

@description('Required. Blob container whose new blobs trigger the function.')
param containerName string

@description('Optional. Only blobs whose names start with this trigger the function (the trigger path\'s literal part after the container); empty: every blob of the container.')
param blobNamePrefix string = ''

@description('Required. Blob container of the storage account that receives the events Event Grid could not deliver.')
param deadLetterContainerName string

@description('Optional. Delivery attempts before an event is dead-lettered (Event Grid retries with a growing back-off).')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Optional. Minutes Event Grid keeps retrying an event before it is dead-lettered.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

// Microsoft.Web/sites/host has no Bicep types, so its keys are read with the listKeys() function.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2025-03-01').systemKeys.blobs_extension

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
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
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/blobs/${blobNamePrefix}'
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

@description('Event subscription name (dead-letter blobs are under its name in upper case).')
output subscriptionName string = blobCreated.name
