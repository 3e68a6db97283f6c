// Every permission of the app's identity (and of the operators), each named guid(scope, principal, role) so a
// redeployment finds the same assignment instead of failing on a duplicate.
import { operatorPrincipalType } from '../types.bicep'

@description('Required. Name of the app\'s user-assigned managed identity.')
param appIdentityName string

@description('Required. Storage account the app and its Functions host use.')
param storageAccountName string

@description('Required. Application Insights component the app sends telemetry to.')
param appInsightsName string

@description('Required. Cosmos DB account of the forecasts.')
param cosmosAccountName string

@description('Optional. Principals that run the train and models CLI against the storage account (a pipeline identity, engineers).')
param operators operatorPrincipalType[] = []

// Built-in role definition ids (the same in every tenant).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  costManagementReader: '72fafb9e-0641-4937-9268-a91bfd8191a3'
}
// Cosmos DB's own data-plane role: Cosmos DB Built-in Data Contributor.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

// The identity's resource id stands for its principal in the names: known before deployment, so What-If is precise.
var appPrincipalId = appIdentity.properties.principalId

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' existing = {
  name: cosmosAccountName
}

// The host keeps timer leases and blob receipts in blobs (Owner, as the Functions docs require for
// AzureWebJobsStorage); the app reads and writes its containers with the same role.
resource appBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appIdentity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The blob extension moves blobs that keep failing to a poison queue.
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

resource operatorBlobContributors 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for op in operators: {
    name: guid(storage.id, op.principalId, roles.storageBlobDataContributor)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
      principalId: op.principalId
      principalType: op.principalType
    }
  }
]

@description('Names of the Azure role assignments made for the app\'s identity.')
output appRoleAssignmentNames string[] = [
  appBlobOwner.name
  appQueueContributor.name
  appMetricsPublisher.name
  appCostReader.name
]
