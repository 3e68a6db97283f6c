import assert from 'node:assert/strict';
import { nativeProvider } from '../../support/nativeProvider';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../shared/config/ConfigError';
import { loadConfig, parseConfig } from '../../../shared/config/loadConfig';
import { SHIPPED_CONFIG_SETTINGS } from '../../support/shippedConfigSettings';

const ROOT = resolve(__dirname, '../../../..');
const SETTINGS: Record<string, string> = { ...SHIPPED_CONFIG_SETTINGS };

function minimal(): Record<string, unknown> {
  return {
    sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6 }],
    sources: [
      {
        id: 'meter',
        kind: 'sensor',
        provider: { endpoint: 'https://x', apiKey: 'k' },
        schedule: '0 */5 * * * *',
        fields: ['power_kw'],
      },
      {
        id: 'cam',
        kind: 'image',
        provider: { endpoint: 'https://y', apiKey: 'k' },
        schedule: '%CAM_SCHEDULE%',
        fields: ['cloud_all'],
      },
    ],
    target: { source: 'meter', field: 'power_kw' },
  };
}

/** Expects parseConfig to fail with a problem that starts with `path` and contains `fragment`. */
function assertProblem(raw: unknown, path: string, fragment: string, settings: Record<string, string> = {}): void {
  assert.throws(
    () => parseConfig(raw, settings),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, 'a ConfigError');
      assert.equal(err.canRetry(), false);
      const hit = err.problems.find((p) => p.startsWith(`${path}:`));
      assert.ok(hit, `a problem at ${path}; got ${JSON.stringify(err.problems)}`);
      assert.ok(hit.includes(fragment), `"${hit}" mentions ${fragment}`);
      assert.ok(err.message.includes(path));
      return true;
    },
  );
}

test('the shipped configuration loads with its settings and keeps schedules as app-setting references', () => {
  const config = loadConfig(SETTINGS, ROOT);
  assert.deepEqual(
    config.sites.map((s) => s.id),
    ['park-1'],
  );
  assert.deepEqual(
    config.sources.map((s) => s.id),
    ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'],
  );
  assert.equal(config.sources[0]?.provider.endpoint, 'http://127.0.0.1:7101');
  assert.deepEqual(
    config.sources.map((s) => s.provider.protocol),
    ['http-json', 'http-csv', 'http-json', 'native', 'native'],
  );
  const meter = config.sources[0]?.provider;
  assert.ok(meter?.protocol === 'http-json');
  assert.deepEqual(meter.auth, { kind: 'query', name: 'api_key', value: 'k1' });
  assert.equal(config.sources[0]?.schedule, '%INGEST_SITE_METER_SCHEDULE%');
  assert.deepEqual(config.forecast.leadsMinutes, [20, 40, 60]);
  assert.deepEqual(config.target, { source: 'site-meter', field: 'power_kw', unit: 'kW', min: 0, solar: true });
});

test('defaults fill what a minimal configuration leaves out', () => {
  const config = parseConfig(minimal(), {});
  assert.deepEqual(config.forecast, {
    leadsMinutes: [20, 40, 60],
    cadenceMinutes: 10,
    schedule: '%PREDICT_SCHEDULE%',
    sitesPerShard: 10_000,
  });
  assert.equal(config.sources[0]?.stalenessLimitMinutes, undefined, 'unset: learned from the delays');
  assert.equal(nativeProvider(config.sources[0]!.provider).pageSize, 500);
});

const broken: [string, (c: Record<string, unknown>) => void, string, string][] = [
  [
    'unknown kind',
    (c) => ((c['sources'] as Record<string, unknown>[])[1]!['kind'] = 'camera'),
    'sources[1].kind',
    '"camera"',
  ],
  [
    'latitude out of range',
    (c) => ((c['sites'] as Record<string, unknown>[])[0]!['latitude'] = 123),
    'sites[0].latitude',
    '123',
  ],
  ['missing sites', (c) => delete c['sites'], 'sites', 'expected array'],
  [
    'bad endpoint',
    (c) =>
      (((c['sources'] as Record<string, unknown>[])[0]!['provider'] as Record<string, unknown>)['endpoint'] =
        'ftp://x'),
    'sources[0].provider.endpoint',
    'ftp://x',
  ],
  [
    'bad schedule',
    (c) => ((c['sources'] as Record<string, unknown>[])[0]!['schedule'] = 'every 5 minutes'),
    'sources[0].schedule',
    'NCRONTAB',
  ],
  ['unknown target source', (c) => (c['target'] = { source: 'nope', field: 'power_kw' }), 'target.source', '"nope"'],
  ['unknown target field', (c) => (c['target'] = { source: 'meter', field: 'nope' }), 'target.field', '"nope"'],
  ['image target', (c) => (c['target'] = { source: 'cam', field: 'cloud_all' }), 'target.source', 'sensor'],
  [
    'duplicate source id',
    (c) => ((c['sources'] as Record<string, unknown>[])[1]!['id'] = 'meter'),
    'sources[1].id',
    'duplicate',
  ],
  ['unknown key (typo)', (c) => (c['sitez'] = []), '(root)', 'sitez'],
  ['negative lead', (c) => (c['forecast'] = { leadsMinutes: [20, -5] }), 'forecast.leadsMinutes[1]', '-5'],
  ['duplicate leads', (c) => (c['forecast'] = { leadsMinutes: [20, 20] }), 'forecast.leadsMinutes', 'duplicate'],
  [
    'image field it cannot derive',
    (c) => ((c['sources'] as Record<string, unknown>[])[1]!['fields'] = ['cloud_all', 'rain']),
    'sources[1].fields[1]',
    '"rain"',
  ],
  ['bad site id', (c) => ((c['sites'] as Record<string, unknown>[])[0]!['id'] = 'Park 1'), 'sites[0].id', '"Park 1"'],
];
for (const [name, mutate, path, fragment] of broken) {
  test(`a broken configuration names the bad key: ${name}`, () => {
    const c = minimal();
    mutate(c);
    assertProblem(c, path, fragment);
  });
}

test('a reference to a missing app setting names the key and the setting', () => {
  const c = minimal();
  ((c['sources'] as Record<string, unknown>[])[0]!['provider'] as Record<string, unknown>)['apiKey'] = '%METER_KEY%';
  assertProblem(c, 'sources[0].provider.apiKey', 'METER_KEY');
  const ok = parseConfig(c, { METER_KEY: 'secret' });
  assert.equal(nativeProvider(ok.sources[0]!.provider).apiKey, 'secret');
});

test('loadConfig reports an unreadable file and invalid JSON with the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  assert.throws(
    () => loadConfig({ FORECAST_CONFIG: join(dir, 'missing.json') }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('missing.json'),
  );
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ "sites": [ }');
  assert.throws(
    () => loadConfig({ FORECAST_CONFIG: bad }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('not valid JSON') && e.message.includes('bad.json'),
  );
});

describe('provider endpoints are https outside the local stack', () => {
  const withEndpoint = (endpoint: string): Record<string, unknown> => {
    const c = minimal();
    ((c['sources'] as Record<string, unknown>[])[0]!['provider'] as Record<string, unknown>)['endpoint'] = endpoint;
    return c;
  };

  test('plain http to another machine is refused, naming the key path and the value', () => {
    assertProblem(
      withEndpoint('http://meter.example:8080/api'),
      'sources[0].provider.endpoint',
      '"http://meter.example:8080/api" is plain http to meter.example:8080, which is not a loopback host; expected https://',
    );
    assertProblem(withEndpoint('http://127.0.0.1.nip.io'), 'sources[0].provider.endpoint', 'not a loopback host');
  });

  test('an endpoint from an app setting names the setting too; a declarative (http-json) provider is held to the same rule', () => {
    const c = minimal();
    ((c['sources'] as Record<string, unknown>[])[0]!['provider'] as Record<string, unknown>)['endpoint'] =
      '%METER_ENDPOINT%';
    assertProblem(
      c,
      'sources[0].provider.endpoint',
      '"http://10.0.0.5" (from the app setting METER_ENDPOINT) is plain http',
      { METER_ENDPOINT: 'http://10.0.0.5' },
    );
    const raw = JSON.parse(readFileSync(join(ROOT, 'config/solar-park.json'), 'utf8')) as unknown;
    assertProblem(
      raw,
      'sources[0].provider.endpoint',
      '"http://meter.example" (from the app setting SITE_METER_ENDPOINT)',
      { ...SETTINGS, SITE_METER_ENDPOINT: 'http://meter.example' },
    );
  });

  test('plain http to a loopback host (the local stack, the examples) is accepted', () => {
    for (const endpoint of [
      'http://127.0.0.1:7101',
      'http://127.0.0.2',
      'http://[::1]:7101',
      'http://localhost:7101',
      'http://LOCALHOST',
      'https://meter.example',
    ]) {
      assert.equal(parseConfig(withEndpoint(endpoint), {}).sources[0]?.provider.endpoint, endpoint);
    }
  });

  test('ALLOW_HTTP_PROVIDERS=true accepts plain http on a private network; a value that is not true/false is refused, named', () => {
    assert.equal(
      parseConfig(withEndpoint('http://10.0.0.5'), { ALLOW_HTTP_PROVIDERS: 'true' }).sources[0]?.provider.endpoint,
      'http://10.0.0.5',
    );
    assertProblem(withEndpoint('http://10.0.0.5'), 'sources[0].provider.endpoint', 'ALLOW_HTTP_PROVIDERS=true', {
      ALLOW_HTTP_PROVIDERS: 'false',
    });
    assert.throws(
      () => parseConfig(withEndpoint('https://x'), { ALLOW_HTTP_PROVIDERS: 'yes' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message === 'App setting "ALLOW_HTTP_PROVIDERS" is "yes"; expected "true" or "false" (or unset: false)',
    );
  });

  const files = [
    'config/solar-park.json',
    ...readdirSync(join(ROOT, 'config/examples'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `config/examples/${f}`),
  ];
  for (const file of files) {
    test(`${file} loads with loopback http endpoints (local) and https ones (deployed), and refuses plain http elsewhere`, () => {
      const names = [
        ...new Set([...readFileSync(join(ROOT, file), 'utf8').matchAll(/%([A-Z0-9_]+)%/g)].map((m) => m[1] as string)),
      ];
      const settings = (endpoint: string): Record<string, string> => ({
        FORECAST_CONFIG: file,
        ...Object.fromEntries(names.map((n) => [n, n.endsWith('_ENDPOINT') ? endpoint : 'k-123456'])),
      });
      for (const endpoint of ['http://127.0.0.1:7101', 'https://provider.example']) {
        assert.ok(
          loadConfig(settings(endpoint), ROOT).sources.every((s) => s.provider.endpoint === endpoint),
          endpoint,
        );
      }
      assert.throws(
        () => loadConfig(settings('http://provider.example'), ROOT),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.length > 0 &&
          err.problems.every((p) =>
            /^sources\[\d\]\.provider\.endpoint: "http:\/\/provider\.example" \(from the app setting [A-Z_]+_ENDPOINT\) is plain http/.test(
              p,
            ),
          ),
      );
    });
  }
});

test('the target may declare its physical limits; a generic target has none', () => {
  assert.deepEqual(parseConfig(minimal(), {}).target, { source: 'meter', field: 'power_kw', unit: '', solar: false });
  const solar = { ...minimal(), target: { source: 'meter', field: 'power_kw', min: 0, max: 2.4, solar: true } };
  assert.deepEqual(parseConfig(solar, {}).target, {
    source: 'meter',
    field: 'power_kw',
    unit: '',
    min: 0,
    max: 2.4,
    solar: true,
  });
  assertProblem(
    { ...minimal(), target: { source: 'meter', field: 'power_kw', min: 5, max: 5 } },
    'target.max',
    'max 5 must be above min 5',
  );
  assertProblem(
    { ...minimal(), target: { source: 'meter', field: 'power_kw', solar: 'yes' } },
    'target.solar',
    'boolean',
  );
});
