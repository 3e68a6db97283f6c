import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../shared/config/ConfigError';
import { parseConfig } from '../../../shared/config/loadConfig';
import { providerSpecsFromConfig } from '../../../local/providers/providerSpecsFromConfig';

// dist/test/local/providers -> the app root, where config/ lives.
const raw = JSON.parse(readFileSync(resolve(__dirname, '../../../../config/solar-park.json'), 'utf8')) as {
  sources: { id: string; kind: string; fields: string[]; provider: { endpoint: string } }[];
};
const SETTINGS = {
  SITE_METER_ENDPOINT: 'http://127.0.0.1:7101',
  NEIGHBORS_ENDPOINT: 'http://127.0.0.1:7102',
  WEATHER_ENDPOINT: 'http://127.0.0.1:7103',
  SKYCAM_ENDPOINT: 'http://127.0.0.1:7104',
  NWP_ENDPOINT: 'http://127.0.0.1:7105',
  SITE_METER_KEY: 'k-meter',
  NEIGHBORS_KEY: 'k-nb',
  WEATHER_KEY: 'k-wx',
  SKYCAM_KEY: 'k-cam',
  NWP_KEY: 'k-nwp',
};

function edited(edit: (cfg: typeof raw) => void): unknown {
  const copy = structuredClone(raw);
  edit(copy);
  return copy;
}

test('providerSpecsFromConfig: ports from the endpoints, keys from the resolved settings', () => {
  const specs = providerSpecsFromConfig(parseConfig(raw, SETTINGS));
  assert.deepEqual(specs, [
    { id: 'site-meter', port: 7101, apiKey: 'k-meter' },
    { id: 'neighbors', port: 7102, apiKey: 'k-nb' },
    { id: 'weather', port: 7103, apiKey: 'k-wx' },
    { id: 'skycam', port: 7104, apiKey: 'k-cam' },
    { id: 'nwp', port: 7105, apiKey: 'k-nwp' },
  ]);
});

test('providerSpecsFromConfig: unknown source ids are an error naming them', () => {
  const cfg = edited((c) => {
    const radar = structuredClone(c.sources[1]);
    if (!radar) throw new Error('fixture');
    radar.id = 'radar';
    const lidar = structuredClone(radar);
    lidar.id = 'lidar';
    c.sources.push(radar, lidar);
  });
  assert.throws(
    () => providerSpecsFromConfig(parseConfig(cfg, SETTINGS)),
    (err: unknown) =>
      err instanceof ConfigError && /"radar", "lidar"/.test(err.message) && /"site-meter"/.test(err.message),
  );
});

test('providerSpecsFromConfig: wrong kind, unknown fields and unusable endpoints are named', () => {
  const cfg = edited((c) => {
    const [meter, nb, , cam, nwp] = c.sources;
    if (!meter || !nb || !cam || !nwp) throw new Error('fixture');
    nwp.fields.push('temp_c');
    meter.fields.push('power_ac_kw');
    // Mapped, so the configuration is valid: only the simulated world lacks the field.
    (meter.provider as unknown as { response: { values: Record<string, { path: string }> } }).response.values[
      'power_ac_kw'
    ] = { path: 'power_ac' };
    cam.kind = 'sensor';
    nb.provider.endpoint = 'https://127.0.0.1:7102';
  });
  assert.throws(
    () => providerSpecsFromConfig(parseConfig(cfg, SETTINGS)),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.length === 4 &&
      /"power_ac_kw"/.test(err.message) &&
      /the simulated "nwp" does not produce "temp_c"/.test(err.message) &&
      /"skycam" is an image source, got "sensor"/.test(err.message) &&
      /plain http/.test(err.message),
  );
});
