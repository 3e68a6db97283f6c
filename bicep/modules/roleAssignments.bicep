// Every Azure role assignment of the deployment, each named guid(scope, principal, role) so a redeployment finds the
// same assignment instead of failing on a duplicate. Blob roles are scoped to containers, not to the account: the
// app's identity reaches its data and the Functions host's containers but not the deployment package, which only
// the deployment identity can write; operators and the pipeline reach the data and the dead letters, not the package.
// The role definition ids here are the ones the service connection's Role Based Access Control Administrator
// condition must allow (bicep/README.md, pipelines/scripts/deploy-infra.sh); test/bicep checks they agree.
import { operatorPrincipalType } from '../types.bicep'

@description('Required. Name of the app\'s user-assigned managed identity.')
param appIdentityName string

@description('Required. Name of the user-assigned identity the platform reads and writes the deployment package with.')
param deploymentIdentityName string

@description('Required. Storage account of the app, the Functions host, the package and the dead letters.')
param storageAccountName string

@description('Required. Containers the app reads and writes (its data).')
@minLength(1)
param appContainerNames string[]

@description('Required. Containers the Functions host keeps its own state in (AzureWebJobsStorage: timer locks, blob receipts, keys).')
@minLength(1)
param hostContainerNames string[]

@description('Required. Container of the deployment package.')
param packageContainerName string

@description('Required. Container Event Grid writes undeliverable events to.')
param deadLetterContainerName string

@description('Required. Event Grid system topic of the storage account (its system-assigned identity writes dead letters).')
param systemTopicName string

@description('Required. Application Insights component the app sends telemetry to.')
param appInsightsName string

@description('Required. Cosmos DB account of the forecasts.')
param cosmosAccountName string

@description('Optional. Object id of the pipeline\'s service principal (the service connection), which trains and replays dead letters; none when empty.')
param pipelinePrincipalId string = ''

@description('Optional. Principals that run the train, models and replay CLI against the storage account (engineers, groups).')
param operators operatorPrincipalType[] = []

// Built-in role definition ids (the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  costManagementReader: '72fafb9e-0641-4937-9268-a91bfd8191a3'
}
// Cosmos DB's own data-plane role: Cosmos DB Built-in Data Contributor (a Cosmos resource, not an Azure role).
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

resource deploymentIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: deploymentIdentityName
}

var appPrincipalId = appIdentity.properties.principalId

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' existing = {
  parent: storage
  name: 'default'
}

resource appContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = [
  for c in appContainerNames: {
    parent: blobService
    name: c
  }
]

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = [
  for c in hostContainerNames: {
    parent: blobService
    name: c
  }
]

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = {
  parent: blobService
  name: packageContainerName
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' existing = {
  name: cosmosAccountName
}

// ---- The app's identity -------------------------------------------------------------------------------------

// The app reads and writes its own containers; Contributor is all its code needs (no ACLs, no container creation).
resource appDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (c, i) in appContainerNames: {
    name: guid(appContainers[i].id, appIdentity.id, roles.storageBlobDataContributor)
    scope: appContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The host keeps timer locks, blob receipts and its keys in its own containers: Storage Blob Data Owner there, as the
// Functions docs ask for an identity-based AzureWebJobsStorage, but not on the account (which holds the package).
resource appHostOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (c, i) in hostContainerNames: {
    name: guid(hostContainers[i].id, appIdentity.id, roles.storageBlobDataOwner)
    scope: hostContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The blob extension moves blobs that keep failing to a poison queue; predict's coordinator sends shard messages
// and the predict-shard queue trigger reads and deletes them (queues hold no code).
resource appQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appIdentity.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry with a Microsoft Entra token (the component's local auth is off).
resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appIdentity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// cost-watch reads the budget's current and forecasted spend on this resource group.
resource appCostReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, appIdentity.id, roles.costManagementReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.costManagementReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appCosmosContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-10-15' = {
  parent: cosmos
  name: guid(cosmos.id, appIdentity.id, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: appPrincipalId
    scope: cosmos.id
  }
}

// ---- The deployment package, the dead letters ---------------------------------------------------------------

// The platform uploads the package (one deploy) and the host reads it with this identity: only this container.
resource deploymentPackageContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(packageContainer.id, deploymentIdentity.id, roles.storageBlobDataContributor)
  scope: packageContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: deploymentIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Event Grid writes dead letters with the system topic's identity (Azure Blob storage destination role).
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, systemTopic.id, roles.storageBlobDataContributor)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Operators and the pipeline -----------------------------------------------------------------------------

// Train reads the data and writes the registry; replay reads the dead letters and writes features: the app's
// containers and the dead letters, never the package.
var operatorContainerNames = concat(appContainerNames, [deadLetterContainerName])
var principals = concat(operators, empty(pipelinePrincipalId) ? [] : [{ principalId: pipelinePrincipalId, principalType: 'ServicePrincipal' }])
var operatorGrants = flatten(map(principals, p => map(range(0, length(operatorContainerNames)), i => {
  principalId: p.principalId
  principalType: p.principalType
  container: i
})))

resource operatorContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = [
  for c in operatorContainerNames: {
    parent: blobService
    name: c
  }
]

resource operatorBlobContributors 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for g in operatorGrants: {
    name: guid(operatorContainers[g.container].id, g.principalId, roles.storageBlobDataContributor)
    scope: operatorContainers[g.container]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
      principalId: g.principalId
      principalType: g.principalType
    }
  }
]

@description('Role definition ids of every Azure role assignment this module makes (what the deploying principal must be allowed to assign).')
output assignedRoleDefinitionIds string[] = union(
  [roles.storageBlobDataContributor, roles.storageBlobDataOwner, roles.storageQueueDataContributor],
  [roles.monitoringMetricsPublisher, roles.costManagementReader]
)
