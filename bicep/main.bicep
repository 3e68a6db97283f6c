// The stay-up forecasting system on Azure: one storage account, one Flex Consumption Function App, Cosmos DB
// serverless, Application Insights on a capped Log Analytics workspace, Event Grid for the blob trigger, and a
// budget with actual and forecasted cost alerts. Everything connects by managed identity; no keys. The Event Grid
// subscription of the blob trigger is imageEvents.bicep, deployed once the code runs.
targetScope = 'resourceGroup'

import {
  tagsType
  sourceType
  providerKeysType
  providerSecretsType
  budgetAlertType
  operatorPrincipalType
} from 'types.bicep'

metadata description = 'Stay-up forecasting: Functions (Flex Consumption), Blob Storage, Cosmos DB, monitoring, Event Grid and a cost budget.'

// ---- Environment -------------------------------------------------------------------------------------------

@description('Required. Environment name (dev, prod, ...): part of every resource name\'s hash and the azd-env-name tag.')
@minLength(1)
@maxLength(32)
param environmentName string

@description('Optional. Azure region of every regional resource; must offer Flex Consumption.')
param location string = resourceGroup().location

@description('Optional. Value of the workload tag on every resource.')
param workload string = 'stay-up-forecasting'

@description('Optional. Tags added to every resource besides azd-env-name and workload.')
param additionalTags tagsType = {}

// ---- The app ----------------------------------------------------------------------------------------------

@description('Required. The data providers, as the forecast configuration names them.')
@minLength(1)
param sources sourceType[]

@description('Required. Each provider\'s API key by source id (secure: in no log or output). An app setting <PREFIX>_KEY of the Function App.')
param providerKeys providerKeysType

@description('Optional. Provider secrets besides the API keys, by app-setting name (secure: in no log or output), e.g. { SKYCAM_PASSWORD: ... } for a configuration that refers to %SKYCAM_PASSWORD%. Each name starts with the <PREFIX>_ of a source, uses only A-Z, 0-9 and _, and is no other app setting; the deployment fails naming the setting otherwise.')
param providerSecrets providerSecretsType = {}

@description('Optional. Path of the forecast configuration inside the deployed package (FORECAST_CONFIG).')
param forecastConfigPath string = 'config/solar-park.json'

@description('Optional. NCRONTAB schedule of every ingest-<source> timer without its own; providers publish every 10 minutes.')
param ingestSchedule string = '0 */5 * * * *'

@description('Optional. NCRONTAB schedule of the predict timer: once per 10-minute issue slot.')
param predictSchedule string = '0 */10 * * * *'

@description('Optional. NCRONTAB schedule of the daily cost-watch timer.')
param costWatchSchedule string = '0 0 6 * * *'

@description('Optional. NCRONTAB schedule of the daily compact timer (UTC): after the late records of the day before have arrived.')
param compactSchedule string = '0 30 3 * * *'

@description('Optional. Days a forecast stays in Cosmos DB before it expires (TTL).')
@minValue(1)
@maxValue(3650)
param forecastRetentionDays int = 90

@description('Optional. Memory of each Function App instance in MB (onnxruntime and sharp need more than 512).')
@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

// Flex Consumption scales each function group out to at most 1000 instances, and accepts no cap below 40
// (learn.microsoft.com/azure/azure-functions/flex-consumption-plan). This app needs one or two instances; 40 is the
// tightest cap the plan allows, so a runaway trigger costs at most 40 instances' time.
@description('Optional. Upper bound of on-demand instances per function group; 40 is the lowest Flex Consumption accepts in every region.')
@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 40

@description('Optional. Object id of the deploying pipeline\'s service principal: it gets Storage Blob Data Contributor on the app\'s containers and the dead letters (retrain, replay), not on the package. pipelines/scripts/deploy-infra.sh sets it from the signed-in identity; none when empty.')
param pipelinePrincipalId string = ''

@description('Optional. Other principals (engineers, groups) that get Storage Blob Data Contributor on the app\'s containers and the dead letters, for the train, models and replay CLI.')
param operators operatorPrincipalType[] = []

// ---- Logs -------------------------------------------------------------------------------------------------

@description('Optional. Daily Log Analytics ingestion cap in MB (1000 MB = 1 GB); logs beyond it are dropped until the next day.')
@minValue(100)
param logDailyCapMb int = 500

@description('Optional. Days Log Analytics keeps logs (30 are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ---- Cost -------------------------------------------------------------------------------------------------

@description('Optional. Application (client) id of the Entra app registration people sign in to the dashboard with (bicep/README.md); empty: the dashboard answers 401 until one is set.')
param dashboardAuthClientId string = ''

@description('Optional. Object ids of the users or groups allowed to open the dashboard; empty: anyone the registration lets sign in.')
param dashboardAllowedPrincipalIds string[] = []

@description('Required. Monthly budget of the resource group, in the billing currency.')
@minValue(1)
param budgetAmount int

// The Budgets API refuses to change the start date of an existing budget ("Start date of budgets cannot be updated"),
// so a start of utcNow() fails every deployment from the second month on. pipelines/scripts/deploy-infra.sh reads the
// existing budget's start date and passes it (BUDGET_START_DATE); only a new budget starts this month.
@description('Optional. First day of the first budget month (yyyy-MM-01): the existing budget\'s start date, which cannot change; empty for a new budget, which then starts on the first of the current month.')
@maxLength(10)
param budgetStartDate string = ''

@description('Optional. The first day of the current month (yyyy-MM-01), the start of a new budget; leave it to its default.')
@minLength(10)
@maxLength(10)
param firstDayOfThisMonth string = utcNow('yyyy-MM-01')

@description('Optional. Budget notifications: percent of the amount, and whether actual or forecasted cost is compared.')
@minLength(1)
param budgetAlerts budgetAlertType[] = [
  { threshold: 50, thresholdType: 'Actual' }
  { threshold: 80, thresholdType: 'Actual' }
  { threshold: 100, thresholdType: 'Actual' }
  { threshold: 100, thresholdType: 'Forecasted' }
]

@description('Required. Email addresses of the people told about cost: budget notifications and the action group.')
@minLength(1)
param contactEmails string[]

// ---- Names ------------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = union(additionalTags, { 'azd-env-name': environmentName, workload: workload })
var names = {
  identity: 'id-${resourceToken}'
  deploymentIdentity: 'idpkg-${resourceToken}'
  storage: 'st${resourceToken}'
  workspace: 'log-${resourceToken}'
  appInsights: 'appi-${resourceToken}'
  cosmos: 'cosmos-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  systemTopic: 'evgt-${resourceToken}'
  actionGroup: 'ag-${resourceToken}'
  budget: 'budget-${resourceToken}'
}
var deploymentContainerName = 'app-package'
// The app's containers (raw data, camera images, features, rejects, the model registry, cursors, latest forecasts).
var dataContainerNames = ['raw', 'images', 'features', 'quarantine', 'models', 'state', 'forecasts']
// The Functions host's own containers in AzureWebJobsStorage (timer locks and blob receipts; its keys). Created here
// so the app's identity needs a role on them only, not on the account.
var hostContainerNames = ['azure-webjobs-hosts', 'azure-webjobs-secrets']
// predict's shards (functions/predictShard.ts: QUEUES.predictShards) and the queue the host moves failed ones to.
var queueNames = ['predict-shards', 'predict-shards-poison']
// Events Event Grid gave up delivering to preprocess-image.
var deadLetterContainerName = 'deadletter'
var budgetStart = empty(budgetStartDate) ? firstDayOfThisMonth : budgetStartDate
var checkedBudgetStart = length(budgetStart) == 10 && substring(budgetStart, 4, 1) == '-' && substring(budgetStart, 7, 3) == '-01'
  ? budgetStart
  : fail('budgetStartDate is "${budgetStartDate}"; expected yyyy-MM-01 (the first day of a month) or empty')
var cosmosDatabaseName = 'forecasting'
var cosmosContainerName = 'forecasts'

// ---- Resources --------------------------------------------------------------------------------------------

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module deploymentIdentity 'modules/identity.bicep' = {
  name: 'deploymentIdentity'
  params: {
    name: names.deploymentIdentity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    containerNames: concat(dataContainerNames, hostContainerNames, [deploymentContainerName, deadLetterContainerName])
    queueNames: queueNames
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
    dailyCapMb: logDailyCapMb
    retentionInDays: logRetentionDays
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: names.cosmos
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    containers: [
      { name: cosmosContainerName, partitionKeyPath: '/site', timeToLiveDays: forecastRetentionDays }
    ]
  }
}

module systemTopic 'modules/systemTopic.bicep' = {
  name: 'systemTopic'
  params: {
    name: names.systemTopic
    location: location
    tags: tags
    storageAccountName: names.storage
  }
  dependsOn: [storage]
}

module roles 'modules/roleAssignments.bicep' = {
  name: 'roleAssignments'
  params: {
    appIdentityName: names.identity
    deploymentIdentityName: names.deploymentIdentity
    storageAccountName: names.storage
    appContainerNames: dataContainerNames
    hostContainerNames: hostContainerNames
    packageContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    systemTopicName: names.systemTopic
    appInsightsName: names.appInsights
    cosmosAccountName: names.cosmos
    pipelinePrincipalId: pipelinePrincipalId
    operators: operators
  }
  // Names are passed as known values (What-If can predict them); the order comes from here.
  dependsOn: [identity, deploymentIdentity, storage, systemTopic, monitoring, cosmos]
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    deploymentIdentityResourceId: deploymentIdentity.outputs.resourceId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsName: names.appInsights
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabase: cosmosDatabaseName
    cosmosContainer: cosmosContainerName
    forecastConfigPath: forecastConfigPath
    sources: sources
    providerKeys: providerKeys
    providerSecrets: providerSecrets
    ingestSchedule: ingestSchedule
    predictSchedule: predictSchedule
    costWatchSchedule: costWatchSchedule
    compactSchedule: compactSchedule
    budgetScope: resourceGroup().id
    budgetName: names.budget
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
  }
  // The host starts with the app: its storage, telemetry and Cosmos roles must already hold.
  dependsOn: [roles, monitoring]
}

module dashboardAuth 'modules/dashboardAuth.bicep' = {
  name: 'dashboardAuth'
  params: {
    siteName: names.functionApp
    clientId: dashboardAuthClientId
    allowedPrincipalIds: dashboardAllowedPrincipalIds
  }
  dependsOn: [functionApp]
}

// The Event Grid subscription of preprocess-image is bicep/imageEvents.bicep, deployed after the code (its webhook
// key exists only once the host runs): pipelines/scripts/deploy-infra.sh imageEvents.

module actionGroup 'modules/actionGroup.bicep' = {
  name: 'actionGroup'
  params: {
    name: names.actionGroup
    shortName: take('cost-${environmentName}', 12)
    tags: tags
    emails: contactEmails
  }
}

module budget 'modules/budget.bicep' = {
  name: 'budget'
  params: {
    name: names.budget
    amount: budgetAmount
    startDate: checkedBudgetStart
    alerts: budgetAlerts
    contactEmails: contactEmails
    contactGroups: [actionGroup.outputs.resourceId]
  }
}

// ---- Outputs (names, ids and endpoints; never a key) ------------------------------------------------------

@description('Resource group the system is deployed to.')
output resourceGroupName string = resourceGroup().name

@description('Function App name, for the code deployment.')
output functionAppName string = functionApp.outputs.name

@description('Function App base URL.')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('Storage account name; AzureWebJobsStorage__blobServiceUri for the train and models CLI.')
output storageAccountName string = storage.outputs.name

@description('Blob service endpoint of the storage account.')
output blobServiceUri string = storage.outputs.blobEndpoint

@description('Cosmos DB account endpoint.')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('Client id of the app\'s managed identity.')
output appIdentityClientId string = identity.outputs.clientId

@description('Resource id of the budget that cost-watch reads.')
output budgetId string = budget.outputs.resourceId

@description('Name of the budget (BUDGET_NAME).')
output budgetName string = budget.outputs.name

@description('Scope of the budget (BUDGET_SCOPE): the resource group id.')
output budgetScope string = resourceGroup().id

@description('Event Grid system topic on the storage account (bicep/imageEvents.bicep subscribes to it).')
output systemTopicName string = systemTopic.outputs.name

@description('Blob container of the events Event Grid could not deliver (npm run replay reads it).')
output deadLetterContainerName string = deadLetterContainerName

@description('Start date of the budget (yyyy-MM-01), which the Budgets API never lets change.')
output budgetStartDate string = checkedBudgetStart

@description('Role definition ids of the Azure role assignments this deployment makes.')
output assignedRoleDefinitionIds string[] = roles.outputs.assignedRoleDefinitionIds
