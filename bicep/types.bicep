// Types shared by main.bicep and its modules (compile-time imports; nothing here is deployed).

@export()
@description('Tags applied to every resource that carries tags.')
type tagsType = {
  @description('Optional. Any tag name and its value.')
  *: string
}

@export()
@description('A data provider the app ingests from: its app settings are <PREFIX>_ENDPOINT, <PREFIX>_KEY and INGEST_<PREFIX>_SCHEDULE, where PREFIX is the id in upper case with dashes as underscores, plus its own settings and secrets (each named <PREFIX>_...).')
type sourceType = {
  @description('Required. The source id as in the forecast configuration, e.g. "site-meter".')
  @minLength(1)
  id: string

  @description('Required. The provider\'s HTTPS base URL.')
  @minLength(1)
  endpoint: string

  @description('Optional. NCRONTAB schedule (with seconds) of ingest-<id>; the common ingest schedule when omitted.')
  schedule: string?

  @description('Optional. Extra non-secret app settings the provider block refers to as %NAME%, by name, e.g. { SITE_METER_PROVIDER_SITE_ID: \'123456\' }. Each name starts with this source\'s <PREFIX>_, uses only A-Z, 0-9 and _, contains none of KEY, SECRET, PASSWORD, TOKEN (secrets go in providerSecrets) and is no other app setting; the deployment fails naming the setting otherwise.')
  settings: providerSettingsType?
}

@export()
@description('Non-secret app settings of one provider by name, e.g. { SKYCAM_USERNAME: \'viewer\' }.')
type providerSettingsType = {
  @description('Optional. The value of the app setting with this name (a <PREFIX>_ name of the source).')
  *: string
}

@export()
@description('Provider API keys by source id; secure, so they appear in no deployment log or output.')
@secure()
type providerKeysType = {
  @description('Optional. The API key of the source with this id.')
  *: string
}

@export()
@description('Provider secrets besides the API key, by app-setting name, e.g. { SKYCAM_PASSWORD: \'...\' }; secure, so they appear in no deployment log or output.')
@secure()
type providerSecretsType = {
  @description('Optional. The secret value of the app setting with this name: a source\'s <PREFIX>_ followed by A-Z, 0-9 and _.')
  *: string
}

@export()
@description('One budget notification: when cost reaches threshold percent of the amount.')
type budgetAlertType = {
  @description('Required. Percent of the budget amount, e.g. 80.')
  @minValue(1)
  @maxValue(1000)
  threshold: int

  @description('Required. Actual: cost incurred so far this month. Forecasted: cost the month is forecast to reach.')
  thresholdType: 'Actual' | 'Forecasted'

  @description('Optional. Comparison with the threshold; GreaterThanOrEqualTo when omitted.')
  operator: ('GreaterThan' | 'GreaterThanOrEqualTo')?
}

@export()
@description('A principal that operates the system from outside the app (a pipeline identity, an engineer, a group).')
type operatorPrincipalType = {
  @description('Required. Object id of the principal in Microsoft Entra ID.')
  principalId: string

  @description('Required. Kind of principal.')
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

@export()
@description('A Cosmos DB SQL container.')
type cosmosContainerType = {
  @description('Required. Container name.')
  name: string

  @description('Required. Partition key path, e.g. "/site".')
  partitionKeyPath: string

  @description('Optional. Items expire this many days after their last write; never when omitted.')
  @minValue(1)
  timeToLiveDays: int?
}
