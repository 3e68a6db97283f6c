// The prod environment: the budget covers the expected monthly cost with headroom; alerts go to the on-call team
// and the budget owner. Provider keys come from the environment of the deploying pipeline (secret variables);
// building these parameters fails when one is missing, so no deployment goes out with an empty key.
using 'main.bicep'

param environmentName = 'prod'

// Replace the endpoints with the providers' real base URLs.
param sources = [
  { id: 'site-meter', endpoint: 'https://site-meter.provider.example.com/' }
  { id: 'neighbors', endpoint: 'https://neighbors.provider.example.com/' }
  { id: 'weather', endpoint: 'https://weather.provider.example.com/' }
  { id: 'skycam', endpoint: 'https://skycam.provider.example.com/' }
]

param providerKeys = {
  'site-meter': readEnvironmentVariable('SITE_METER_KEY')
  neighbors: readEnvironmentVariable('NEIGHBORS_KEY')
  weather: readEnvironmentVariable('WEATHER_KEY')
  skycam: readEnvironmentVariable('SKYCAM_KEY')
}

// false only for the first provisioning of a new environment, before any code is deployed.
param subscribeImageEvents = bool(readEnvironmentVariable('SUBSCRIBE_IMAGE_EVENTS', 'true'))

param forecastRetentionDays = 90
param logDailyCapMb = 1000

param budgetAmount = 60
param contactEmails = [
  'forecasting-oncall@example.com'
  'budget-owner@example.com'
]
