// The Function App on the Flex Consumption plan: Node 20, the user-assigned identity for every connection, no keys.
import { tagsType, sourceType, providerKeysType } from '../types.bicep'

@description('Required. Function App name (also the host name <name>.azurewebsites.net).')
param name string

@description('Required. Flex Consumption plan name.')
param planName string

@description('Required. Azure region (one that offers Flex Consumption).')
param location string

@description('Required. Tags of the plan and the app.')
param tags tagsType

@description('Required. Resource id of the user-assigned identity the app runs as.')
param identityResourceId string

@description('Required. Client id of that identity.')
param identityClientId string

@description('Required. Blob endpoint of the storage account (AzureWebJobsStorage and the app\'s data).')
param blobEndpoint string

@description('Required. Queue endpoint of the storage account (the host\'s blob-trigger poison queue).')
param queueEndpoint string

@description('Required. Container of the storage account that holds the deployment package.')
param deploymentContainerName string

@description('Required. Application Insights component name; the app sends telemetry with its identity.')
param appInsightsName string

@description('Required. Cosmos DB account endpoint.')
param cosmosEndpoint string

@description('Required. Cosmos DB database name.')
param cosmosDatabase string

@description('Required. Cosmos DB container of the forecasts.')
param cosmosContainer string

@description('Required. Path of the forecast configuration inside the deployed package.')
param forecastConfigPath string

@description('Required. The data providers.')
param sources sourceType[]

@description('Required. Provider API keys by source id (a secure type).')
param providerKeys providerKeysType

@description('Required. NCRONTAB schedule of every ingest-<source> without its own.')
param ingestSchedule string

@description('Required. NCRONTAB schedule of predict.')
param predictSchedule string

@description('Required. NCRONTAB schedule of cost-watch.')
param costWatchSchedule string

@description('Required. Resource id of the scope the budget is defined on (the resource group).')
param budgetScope string

@description('Required. Name of the budget cost-watch reads.')
param budgetName string

@description('Optional. Instance memory in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Optional. Upper bound of on-demand instances per function group (40 is the lowest every region accepts).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// `site-meter` -> `SITE_METER`, as the forecast configuration's %NAME% references expect.
var sourceSettings = flatten(map(sources, s => [
  { name: '${toUpper(replace(s.id, '-', '_'))}_ENDPOINT', value: s.endpoint }
  { name: '${toUpper(replace(s.id, '-', '_'))}_KEY', value: providerKeys[s.id] }
  { name: 'INGEST_${toUpper(replace(s.id, '-', '_'))}_SCHEDULE', value: s.?schedule ?? ingestSchedule }
]))

var identitySettings = [
  // AzureWebJobsStorage by identity: the host's timers, blob trigger and the app's own blob access.
  { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // DefaultAzureCredential in the app (Cosmos DB, the budget) picks the user-assigned identity by this.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // The connection string only names the component; with local auth off, ingestion needs the identity's token.
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

var appSettings = [
  { name: 'FORECAST_CONFIG', value: forecastConfigPath }
  { name: 'COSMOS_ENDPOINT', value: cosmosEndpoint }
  { name: 'COSMOS_DATABASE', value: cosmosDatabase }
  { name: 'COSMOS_CONTAINER', value: cosmosContainer }
  { name: 'PREDICT_SCHEDULE', value: predictSchedule }
  { name: 'COST_WATCH_SCHEDULE', value: costWatchSchedule }
  { name: 'BUDGET_SCOPE', value: budgetScope }
  { name: 'BUDGET_NAME', value: budgetName }
]

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'forecast' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(identitySettings, appSettings, sourceSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
  }
}

@description('Function App name.')
output name string = site.name

@description('Function App resource id.')
output resourceId string = site.id

@description('Default host name, e.g. <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
