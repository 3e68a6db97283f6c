// Cosmos DB for the forecasts: serverless (pay per request), Microsoft Entra auth only.
import { tagsType, cosmosContainerType } from '../types.bicep'

@description('Required. Account name (3-44 lowercase letters, digits and dashes).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Required. Azure region.')
param location string

@description('Required. Tags of the account, database and containers.')
param tags tagsType

@description('Required. SQL database name.')
param databaseName string

@description('Required. Containers of the database, each with its partition key and, where its data is disposable, a time to live.')
param containers cosmosContainerType[]

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      { name: 'EnableServerless' }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    // No account keys: data and metadata only through Microsoft Entra identities and RBAC.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-10-15' = {
  parent: account
  name: databaseName
  tags: tags
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = [
  for c in containers: {
    parent: database
    name: c.name
    tags: tags
    properties: {
      resource: {
        id: c.name
        partitionKey: {
          paths: [c.partitionKeyPath]
          kind: 'Hash'
          version: 2
        }
        // Cosmos counts TTL in seconds; without a defaultTtl items never expire.
        defaultTtl: c.?timeToLiveDays == null ? null : c.timeToLiveDays! * 86400
      }
    }
  }
]

@description('Account name.')
output accountName string = account.name

@description('Account endpoint, for COSMOS_ENDPOINT.')
output endpoint string = account.properties.documentEndpoint

@description('SQL database name.')
output databaseName string = database.name
