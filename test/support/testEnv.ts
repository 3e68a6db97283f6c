// Imported first by tests that load function files: those read the configuration when they register.
const defaults: Record<string, string> = {
  SITE_METER_ENDPOINT: 'http://127.0.0.1:9/site-meter',
  SITE_METER_KEY: 'test-key',
  NEIGHBORS_ENDPOINT: 'http://127.0.0.1:9/neighbors',
  NEIGHBORS_KEY: 'test-key',
  WEATHER_ENDPOINT: 'http://127.0.0.1:9/weather',
  WEATHER_KEY: 'test-key',
  SKYCAM_ENDPOINT: 'http://127.0.0.1:9/skycam',
  SKYCAM_KEY: 'test-key',
  NWP_ENDPOINT: 'http://127.0.0.1:9/nwp',
  NWP_KEY: 'test-key',
};
for (const [k, v] of Object.entries(defaults)) process.env[k] ??= v;
export const TEST_SETTINGS = { ...defaults };
