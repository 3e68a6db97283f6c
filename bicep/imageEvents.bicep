// The Event Grid subscription that runs preprocess-image on each new manifest of an ingest page's camera pictures
// (images/_batches/..., one execution per page, not per picture), deployed on its own after the app
// code: its webhook needs the app's blobs_extension system key, which exists only once the deployed host has started,
// and reading it right after main.bicep restarted the app fails now and then. pipelines/scripts/deploy-infra.sh
// (mode imageEvents) waits until the app answers and lists the key, then deploys this with retries. The names come
// from main.bicep's outputs.
targetScope = 'resourceGroup'

metadata description = 'Stay-up forecasting: the Event Grid subscription of preprocess-image, with its dead-letter container.'

@description('Required. The storage account\'s system topic (main.bicep output systemTopicName).')
param systemTopicName string

@description('Required. The storage account (main.bicep output storageAccountName).')
param storageAccountName string

@description('Required. The Function App (main.bicep output functionAppName).')
param functionAppName string

@description('Required. The dead-letter container (main.bicep output deadLetterContainerName).')
param deadLetterContainerName string

module eventGrid 'modules/eventGrid.bicep' = {
  name: 'eventGrid'
  params: {
    systemTopicName: systemTopicName
    storageAccountName: storageAccountName
    functionAppName: functionAppName
    triggerFunctionName: 'preprocess-image'
    containerName: 'images'
    // functions/preprocessImage.ts's trigger path images/_batches/{name} (shared/features/PictureBatch.ts).
    blobNamePrefix: '_batches/'
    deadLetterContainerName: deadLetterContainerName
  }
}

@description('Event subscription name; dead-letter blobs are under <deadLetterContainerName>/<its name in upper case>/.')
output subscriptionName string = eventGrid.outputs.subscriptionName
