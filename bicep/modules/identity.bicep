// The app's user-assigned managed identity: it exists before the app, so its roles are in place when the host starts.
import { tagsType } from '../types.bicep'

@description('Required. Name of the identity.')
param name string

@description('Required. Azure region.')
param location string

@description('Required. Tags of the identity.')
param tags tagsType

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output resourceId string = identity.id

@description('Client (application) id of the identity, for AZURE_CLIENT_ID and identity-based connections.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity, for role assignments.')
output principalId string = identity.properties.principalId
