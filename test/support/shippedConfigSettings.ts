/** App settings that resolve every %SETTING% of the shipped configuration (config/solar-park.json) to loopback. */
export const SHIPPED_CONFIG_SETTINGS: Readonly<Record<string, string>> = {
  SITE_METER_ENDPOINT: 'http://127.0.0.1:7101',
  SITE_METER_KEY: 'k1',
  NEIGHBORS_ENDPOINT: 'http://127.0.0.1:7102',
  NEIGHBORS_KEY: 'k2',
  WEATHER_ENDPOINT: 'http://127.0.0.1:7103',
  WEATHER_KEY: 'k3',
  SKYCAM_ENDPOINT: 'http://127.0.0.1:7104',
  SKYCAM_KEY: 'k4',
  NWP_ENDPOINT: 'http://127.0.0.1:7105',
  NWP_KEY: 'k5',
};
