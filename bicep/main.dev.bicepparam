// The dev environment: a small budget and a tight log cap, so a mistake shows up as an alert within days.
// Provider keys come from the environment of the deploying pipeline (secret variables), never from this file;
// building these parameters fails when one is missing, so no deployment goes out with an empty key.
using 'main.bicep'

param environmentName = 'dev'

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

param forecastRetentionDays = 14
param logDailyCapMb = 200

param budgetAmount = 20
param contactEmails = [
  'forecasting-dev@example.com'
]
