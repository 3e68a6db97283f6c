import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../shared/config/ConfigError';
import { loadConfig, loadConfigBySource, parseConfigBySource } from '../../../shared/config/loadConfig';
import { loadFunctionPlan } from '../../../shared/config/loadFunctionPlan';
import { SourceNotConfiguredError } from '../../../shared/config/SourceNotConfiguredError';
import { SHIPPED_CONFIG_SETTINGS } from '../../support/shippedConfigSettings';

const ROOT = resolve(__dirname, '../../../..');
const SETTINGS: Record<string, string> = { ...SHIPPED_CONFIG_SETTINGS };
const without = (...names: string[]) =>
  Object.fromEntries(Object.entries(SETTINGS).filter(([k]) => !names.includes(k)));

test('the function plan of the shipped configuration needs no provider setting at all', () => {
  const plan = loadFunctionPlan({}, ROOT);
  assert.deepEqual(plan, {
    sources: [
      { id: 'site-meter', schedule: '%INGEST_SITE_METER_SCHEDULE%' },
      { id: 'neighbors', schedule: '%INGEST_NEIGHBORS_SCHEDULE%' },
      { id: 'weather', schedule: '%INGEST_WEATHER_SCHEDULE%' },
      { id: 'skycam', schedule: '%INGEST_SKYCAM_SCHEDULE%' },
      { id: 'nwp', schedule: '%INGEST_NWP_SCHEDULE%' },
    ],
    predictSchedule: '%PREDICT_SCHEDULE%',
  });
});

test('the function plan refuses what nothing could be registered from, naming the value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  const write = (name: string, body: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(body));
    return { FORECAST_CONFIG: join(dir, name) };
  };
  const bad = write('bad.json', { sources: [{ id: 'Bad Id', schedule: '%X%' }] });
  assert.throws(
    () => loadFunctionPlan(bad, ROOT),
    (err: unknown) => err instanceof ConfigError && /sources\[0\]\.id: .*"Bad Id"/.test(err.message),
  );
  const dup = write('dup.json', {
    sources: [
      { id: 'a', schedule: '%X%' },
      { id: 'a', schedule: '%Y%' },
    ],
  });
  assert.throws(() => loadFunctionPlan(dup, ROOT), /two sources have the id "a"/);
  assert.throws(
    () => loadFunctionPlan({ FORECAST_CONFIG: join(dir, 'none.json') }, ROOT),
    /Cannot read the configuration file/,
  );
});

test('a missing provider setting breaks only its source: the configuration loads, the source names the setting', () => {
  const { config, broken } = loadConfigBySource(without('WEATHER_KEY', 'WEATHER_ENDPOINT'), ROOT);
  assert.deepEqual(
    config.sources.map((s) => s.id),
    ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'],
  );
  assert.equal(broken.length, 1);
  const [weather] = broken;
  assert.ok(weather instanceof SourceNotConfiguredError);
  assert.equal(weather.sourceId, 'weather');
  assert.equal(weather.canRetry(), false);
  assert.deepEqual(weather.unset.map((u) => u.setting).sort(), ['WEATHER_ENDPOINT', 'WEATHER_KEY']);
  assert.match(
    weather.message,
    /source "weather" is not configured: sources\[2\]\.provider\.endpoint refers to the app setting "WEATHER_ENDPOINT", which is not set/,
  );
  // The strict reader still refuses the same settings, naming the setting.
  assert.throws(
    () => loadConfig(without('WEATHER_KEY', 'WEATHER_ENDPOINT'), ROOT),
    /sources\[2\]\.provider\.endpoint: refers to the app setting "WEATHER_ENDPOINT"/,
  );
  assert.deepEqual(loadConfigBySource(SETTINGS, ROOT).broken, []);
});

test('a missing setting outside a provider block, or any other problem, still fails the whole configuration', () => {
  const raw = {
    sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6, name: '%SITE_NAME%' }],
    sources: [
      {
        id: 'meter',
        kind: 'sensor',
        provider: { endpoint: '%METER_ENDPOINT%', apiKey: 'k' },
        schedule: '0 */5 * * * *',
        fields: ['power_kw'],
      },
    ],
    target: { source: 'meter', field: 'power_kw' },
  };
  assert.throws(
    () => parseConfigBySource(raw, {}),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.some((p) => p.startsWith('sites[0].name: refers to the app setting "SITE_NAME"')) &&
      !err.problems.some((p) => p.includes('METER_ENDPOINT')),
  );
  const { broken } = parseConfigBySource(raw, { SITE_NAME: 'Park' });
  assert.deepEqual(
    broken.map((b) => b.unset),
    [[{ setting: 'METER_ENDPOINT', path: 'sources[0].provider.endpoint' }]],
  );
  const typo = { ...raw, target: { source: 'metre', field: 'power_kw' } };
  assert.throws(() => parseConfigBySource(typo, { SITE_NAME: 'Park' }), /unknown source "metre"/);
});
