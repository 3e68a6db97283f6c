// The Function App on the Flex Consumption plan: Node 22, the user-assigned identity for every connection, no keys.
// The deployment package is read (and written by the platform's one deploy) with a second identity that has a role on
// the package container only, so the identity the app's code and host use cannot replace the app's code.
import { tagsType, sourceType, providerKeysType, providerSecretsType } from '../types.bicep'

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

@description('Required. Resource id of the user-assigned identity the platform reads and writes the deployment package with.')
param deploymentIdentityResourceId string

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

@description('Required. Provider secrets besides the keys, by app-setting name (a secure type).')
param providerSecrets providerSecretsType

@description('Required. NCRONTAB schedule of every ingest-<source> without its own.')
param ingestSchedule string

@description('Required. NCRONTAB schedule of predict.')
param predictSchedule string

@description('Required. NCRONTAB schedule of cost-watch.')
param costWatchSchedule string

@description('Required. NCRONTAB schedule of compact (folds closed days into one blob per source and day).')
param compactSchedule string

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

@description('Optional. Node.js major version of the app (functionAppConfig.runtime); Node 20 reached its end of life in April 2026.')
@allowed(['22'])
param nodeVersion string = '22'

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
var prefixes = map(sources, s => toUpper(replace(s.id, '-', '_')))

var sourceSettings = flatten(map(sources, (s, i) => [
  { name: '${prefixes[i]}_ENDPOINT', value: s.endpoint }
  { name: '${prefixes[i]}_KEY', value: providerKeys[s.id] }
  { name: 'INGEST_${prefixes[i]}_SCHEDULE', value: s.?schedule ?? ingestSchedule }
]))

// A provider's other settings (a user name, its own site ids) and secrets, named as its configuration refers to them.
var providerSettings = flatten(map(sources, s => map(items(s.?settings ?? {}), x => { name: x.key, value: x.value })))
var secretSettings = map(items(providerSecrets), x => { name: x.key, value: x.value })

var identitySettings = [
  // AzureWebJobsStorage by identity: the host's timers, blob trigger and the app's own blob access.
  { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // DefaultAzureCredential in the app (Cosmos DB, the budget) picks the user-assigned identity by this.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // With local auth off, telemetry ingestion needs the identity's token.
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

// The connection string only names the component. Its value is known only once the component exists (reference()),
// so it is kept apart: the checked settings below then hold no runtime value, and the check is an ordinary variable
// that fails this module's deployment before the app's settings are written.
var telemetryConnectionSettingName = 'APPLICATIONINSIGHTS_CONNECTION_STRING'

var appSettings = [
  { name: 'FORECAST_CONFIG', value: forecastConfigPath }
  { name: 'COSMOS_ENDPOINT', value: cosmosEndpoint }
  { name: 'COSMOS_DATABASE', value: cosmosDatabase }
  { name: 'COSMOS_CONTAINER', value: cosmosContainer }
  { name: 'PREDICT_SCHEDULE', value: predictSchedule }
  { name: 'COST_WATCH_SCHEDULE', value: costWatchSchedule }
  { name: 'COMPACT_SCHEDULE', value: compactSchedule }
  { name: 'BUDGET_SCOPE', value: budgetScope }
  { name: 'BUDGET_NAME', value: budgetName }
]

var knownSettings = concat(identitySettings, appSettings, sourceSettings, providerSettings, secretSettings)

// ---- Provider setting names (Bicep cannot check the keys of an object when it compiles) -------------------------

// Families the Functions host, App Service, the Azure SDK (AZURE_CLIENT_SECRET would change how the app signs in)
// and the app itself read; no provider setting may start with one, even if its source's prefix would allow it.
var reservedPrefixes = [
  'AZUREWEBJOBS'
  'AZURE_'
  'APPLICATIONINSIGHTS_'
  'APPINSIGHTS_'
  'WEBSITE_'
  'FUNCTIONS_'
  'SCM_'
  'COSMOS_'
  'BUDGET_'
  'INGEST_'
]
var nameCharacters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'
// Words that mark a secret; a setting with one belongs in providerSecrets, which no log shows.
var secretWords = ['KEY', 'SECRET', 'PASSWORD', 'TOKEN']

// Every name in sources[].settings and providerSecrets, with the prefixes it may start with.
var extraNames = concat(
  flatten(map(sources, (s, i) => map(items(s.?settings ?? {}), x => {
    name: x.key
    where: 'sources[${s.id}].settings'
    prefixes: ['${prefixes[i]}_']
    secret: false
  }))),
  map(items(providerSecrets), x => {
    name: x.key
    where: 'providerSecrets'
    prefixes: map(prefixes, p => '${p}_')
    secret: true
  })
)
// startsWith() is case-insensitive; the character check demands upper case.
var unprefixedNames = filter(extraNames, e => empty(filter(e.prefixes, p => startsWith(e.name, p) && length(e.name) > length(p))))
var badCharacterNames = filter(extraNames, e => !empty(filter(map(range(0, length(e.name)), i => substring(e.name, i, 1)), c => !contains(nameCharacters, c))))
var reservedNames = filter(extraNames, e => !empty(filter(reservedPrefixes, p => startsWith(e.name, p))))
var secretLookingNames = filter(extraNames, e => !e.secret && !empty(filter(secretWords, w => contains(e.name, w))))
// App setting names are case-insensitive: a provider's setting must not replace one of the app's or another source's.
var settingNames = map(concat(knownSettings, [{ name: telemetryConnectionSettingName }]), s => toUpper(s.name))
var duplicateNames = union(filter(settingNames, (n, i) => indexOf(settingNames, n) != i), [])

var settingProblems = concat(
  map(unprefixedNames, e => '${e.where}: ${e.name} is not named ${join(e.prefixes, '<NAME> or ')}<NAME>'),
  map(badCharacterNames, e => '${e.where}: ${e.name} has characters other than A-Z, 0-9 and _'),
  map(reservedNames, e => '${e.where}: ${e.name} starts with one of ${join(reservedPrefixes, ', ')}, which the platform and the app use'),
  map(secretLookingNames, e => '${e.where}: ${e.name} looks like a secret (${join(secretWords, ', ')}): set it in providerSecrets'),
  map(duplicateNames, n => '${n} is set twice (by the app, by a source, or in both settings and providerSecrets)')
)
// Names only in the message: never a value, which may be a secret.
var checkedSettings = empty(settingProblems) ? knownSettings : fail('Invalid provider app settings: ${join(settingProblems, '; ')}')

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'forecast' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
      '${deploymentIdentityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(checkedSettings, [{ name: telemetryConnectionSettingName, value: appInsights.properties.ConnectionString }])
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: deploymentIdentityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: nodeVersion
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
