// The dev environment: a small budget and a tight log cap, so a mistake shows up as an alert within days.
// Provider keys and secrets come from the environment of the deploying pipeline (secret variables), never from
// this file; building these parameters fails when one is missing, so no deployment goes out with an empty key.
using 'main.bicep'

param environmentName = 'dev'

// The providers of config/solar-park.json: site-meter (http-json, key as a query parameter), neighbors (http-csv,
// key as a bearer token), weather (http-json, key as a query parameter), skycam and nwp (native). Replace the endpoints with
// their real base URLs. Other non-secret values a provider block refers to as %NAME% (its own site id, a user name)
// go in that source's `settings`, each named <PREFIX>_..., e.g. settings: { SITE_METER_PROVIDER_SITE_ID: '123456' }.
param sources = [
  { id: 'site-meter', endpoint: 'https://site-meter.provider.example.com/' }
  { id: 'neighbors', endpoint: 'https://neighbors.provider.example.com/' }
  { id: 'weather', endpoint: 'https://weather.provider.example.com/' }
  { id: 'skycam', endpoint: 'https://skycam.provider.example.com/' }
  { id: 'nwp', endpoint: 'https://nwp.provider.example.com/' }
]

param providerKeys = {
  'site-meter': readEnvironmentVariable('SITE_METER_KEY')
  neighbors: readEnvironmentVariable('NEIGHBORS_KEY')
  weather: readEnvironmentVariable('WEATHER_KEY')
  skycam: readEnvironmentVariable('SKYCAM_KEY')
  nwp: readEnvironmentVariable('NWP_KEY')
}

// Provider secrets besides the keys, by app-setting name (<PREFIX>_..., e.g. SKYCAM_PASSWORD for a configuration that
// refers to %SKYCAM_PASSWORD%): each read from the pipeline's environment like the keys above, and its name added to
// secretVariables in pipelines/templates/steps/deploy-infra.yml. The shipped configuration needs none.
param providerSecrets = {}

// The start date of the existing budget, which the Budgets API never lets change: pipelines/scripts/deploy-infra.sh
// reads it and sets BUDGET_START_DATE. Empty for a new budget, which starts on the first of the current month.
param budgetStartDate = readEnvironmentVariable('BUDGET_START_DATE', '')

// The deploying service principal's object id, which gets Storage Blob Data Contributor on the app's containers and
// the dead letters (retrain, replay): deploy-infra.sh sets PIPELINE_PRINCIPAL_ID from the signed-in identity.
param pipelinePrincipalId = readEnvironmentVariable('PIPELINE_PRINCIPAL_ID', '')

param forecastRetentionDays = 14
param logDailyCapMb = 200

param budgetAmount = 20
param contactEmails = [
  'forecasting-dev@example.com'
]
