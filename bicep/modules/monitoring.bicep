// Logs and telemetry: Application Insights on a Log Analytics workspace whose daily ingestion is capped.
import { tagsType } from '../types.bicep'

@description('Required. Log Analytics workspace name.')
param workspaceName string

@description('Required. Application Insights component name.')
param appInsightsName string

@description('Required. Azure region.')
param location string

@description('Required. Tags of both resources.')
param tags tagsType

@description('Required. Daily ingestion cap in MB (1000 MB = 1 GB); ingestion stops for the rest of the day when reached.')
@minValue(100)
param dailyCapMb int

@description('Optional. Days logs are kept (30 are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    workspaceCapping: {
      // Bicep has no decimals: 500 MB becomes json('0.500') = 0.5 GB.
      dailyQuotaGb: json('${dailyCapMb / 1000}.${padLeft(dailyCapMb % 1000, 3, '0')}')
    }
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Telemetry is accepted only with a Microsoft Entra token (the app's identity), not with the instrumentation key.
    DisableLocalAuth: true
  }
}

@description('Application Insights component name.')
output appInsightsName string = appInsights.name

@description('Application Insights resource id.')
output appInsightsId string = appInsights.id

@description('Log Analytics workspace resource id.')
output workspaceId string = workspace.id
