import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config/loadConfig';
import { MAX_RUN_KEYS, validateItem } from '../../../shared/ingest/validateItem';

const config = parseConfig({
  sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6 }],
  sources: [
    {
      id: 'meter',
      kind: 'sensor',
      provider: { endpoint: 'https://x', apiKey: 'k' },
      schedule: '0 */5 * * * *',
      fields: ['power_kw', 'ghi_wm2'],
    },
    {
      id: 'cam',
      kind: 'image',
      provider: { endpoint: 'https://y', apiKey: 'k' },
      schedule: '0 */5 * * * *',
      fields: ['cloud_all'],
    },
    {
      id: 'nwp',
      kind: 'forecast',
      provider: { endpoint: 'https://z', apiKey: 'k' },
      schedule: '0 */15 * * * *',
      fields: ['ghi_wm2', 'cloud_cover'],
    },
  ],
  target: { source: 'meter', field: 'power_kw' },
});
const meter = config.sources[0]!;
const cam = config.sources[1]!;
const nwp = config.sources[2]!;
const sites = new Set(['park-1']);
const now = new Date('2026-06-01T12:00:00Z');
const good = {
  site: 'park-1',
  observedAt: '2026-06-01T11:30:00Z',
  publishedAt: '2026-06-01T11:55:00.123Z',
  values: { power_kw: 1200.5, ghi_wm2: 640, extra: 1 },
};

test('a good sensor record is normalised', () => {
  const r = validateItem(good, meter, sites, now);
  assert.ok(r.ok);
  assert.deepEqual(r.item, {
    site: 'park-1',
    observedAt: '2026-06-01T11:30:00.000Z',
    publishedAt: '2026-06-01T11:55:00.123Z',
    values: { power_kw: 1200.5, ghi_wm2: 640 },
  });
});

test('a good image record keeps its path', () => {
  const r = validateItem(
    { site: 'park-1', observedAt: '2026-06-01T11:30:00+02:00', imageUrl: '/images/park-1/x.png' },
    cam,
    sites,
    now,
  );
  assert.ok(r.ok);
  assert.equal(r.item.observedAt, '2026-06-01T09:30:00.000Z');
});

const bad: [string, unknown, string][] = [
  ['not an object', 'hello', 'expected an object'],
  ['null', null, 'null'],
  ['unknown site', { ...good, site: 'park-9' }, '"park-9"'],
  ['missing observedAt', { ...good, observedAt: undefined }, '"observedAt" is missing'],
  ['observedAt without zone', { ...good, observedAt: '2026-06-01T11:30:00' }, 'with a zone'],
  ['impossible date', { ...good, observedAt: '2026-02-31T11:30:00Z' }, 'not a valid time'],
  ['future observedAt', { ...good, observedAt: '2026-06-01T13:00:00Z' }, 'in the future'],
  ['ancient observedAt', { ...good, observedAt: '2020-01-01T00:00:00Z' }, '400 days'],
  ['NaN value', { ...good, values: { power_kw: Number.NaN, ghi_wm2: 1 } }, '"values.power_kw" is NaN'],
  ['string value', { ...good, values: { power_kw: '12', ghi_wm2: 1 } }, '"values.power_kw" is "12"'],
  ['missing field', { ...good, values: { power_kw: 1 } }, '"values.ghi_wm2" is missing'],
  ['infinite value', { ...good, values: { power_kw: Infinity, ghi_wm2: 1 } }, 'Infinity'],
  ['values array', { ...good, values: [1, 2] }, 'an array'],
  ['bad publishedAt', { ...good, publishedAt: 'yesterday' }, '"publishedAt"'],
];
for (const [name, record, fragment] of bad) {
  test(`a bad sensor record is rejected with a reason: ${name}`, () => {
    const r = validateItem(record, meter, sites, now);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reason.includes(fragment), `reason ${!r.ok ? r.reason : ''} mentions ${fragment}`);
  });
}

test('an image record pointing outside the provider is rejected', () => {
  for (const imageUrl of ['http://evil/x.png', '/images/../../etc/passwd', 42]) {
    const r = validateItem({ site: 'park-1', observedAt: '2026-06-01T11:30:00Z', imageUrl }, cam, sites, now);
    assert.equal(r.ok, false, String(imageUrl));
  }
});

test('a publishedAt in the future or before the measurement is rejected: availability is derived from it', () => {
  for (const [publishedAt, fragment] of [
    ['2026-06-01T12:30:00Z', '"publishedAt" 2026-06-01T12:30:00.000Z is in the future'],
    ['2026-06-01T11:00:00Z', '"publishedAt" 2026-06-01T11:00:00.000Z is before "observedAt"'],
  ] as const) {
    const r = validateItem({ ...good, publishedAt }, meter, sites, now);
    assert.ok(!r.ok && r.reason.includes(fragment), !r.ok ? r.reason : 'accepted');
  }
});

test('image paths that a URL parser could read as another place are rejected', () => {
  for (const imageUrl of [
    '//evil.test/x.png',
    '/images/%2e%2e/%2E%2E/admin',
    '/images\\..\\x.png',
    '/images/a\u0000.png',
    'javascript:alert(1)',
    'x'.repeat(1025),
    '',
  ]) {
    const r = validateItem({ site: 'park-1', observedAt: '2026-06-01T11:30:00Z', imageUrl }, cam, sites, now);
    assert.equal(r.ok, false, JSON.stringify(imageUrl.slice(0, 40)));
  }
});

test('a field inherited from Object.prototype is not a value', () => {
  const withConstructor = parseConfig({
    sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6 }],
    sources: [
      {
        id: 'meter',
        kind: 'sensor',
        provider: { endpoint: 'https://x', apiKey: 'k' },
        schedule: '0 */5 * * * *',
        fields: ['constructor'],
      },
    ],
    target: { source: 'meter', field: 'constructor' },
  }).sources[0]!;
  const r = validateItem(
    { site: 'park-1', observedAt: '2026-06-01T11:30:00Z', values: {} },
    withConstructor,
    sites,
    now,
  );
  assert.ok(!r.ok && r.reason.includes('"values.constructor" is missing'));
});

const run = {
  site: 'park-1',
  observedAt: '2026-06-01T10:00:00Z',
  publishedAt: '2026-06-01T11:31:00Z',
  values: { 'ghi_wm2@+0': 410, 'ghi_wm2@+60': 520.5, 'cloud_cover@+0': 0.4, 'cloud_cover@+60': 0.25 },
};

test('a good forecast run keeps its values keyed <field>@+<minutes after runAt>', () => {
  const r = validateItem(run, nwp, sites, now);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.item, {
    site: 'park-1',
    observedAt: '2026-06-01T10:00:00.000Z',
    publishedAt: '2026-06-01T11:31:00.000Z',
    values: run.values,
  });
});

test('a bad forecast run is rejected with a reason naming the bad key or value', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...run.values, ghi_wm2: 1 }, /"values" key "ghi_wm2" is not "<field>@\+<minutes after runAt>"/],
    [{ ...run.values, 'ghi_wm2@+1.5': 1 }, /key "ghi_wm2@\+1.5" is not/],
    [{ ...run.values, 'ghi_wm2@+-15': 1 }, /key "ghi_wm2@\+-15" is not/],
    [{ ...run.values, 'ghi_wm2@+99999999': 1 }, /key "ghi_wm2@\+99999999" is not .*0\.\.23040/],
    [
      { ...run.values, 'temp_c@+60': 1 },
      /key "temp_c@\+60" names the field "temp_c", expected one of "ghi_wm2", "cloud_cover"/,
    ],
    [{ ...run.values, 'ghi_wm2@+60': Number.NaN }, /"values.ghi_wm2@\+60" is NaN, expected a finite number/],
    [{ ...run.values, 'ghi_wm2@+60': Number.POSITIVE_INFINITY }, /"values.ghi_wm2@\+60" is Infinity/],
    [{ ...run.values, 'cloud_cover@+60': '0.3' }, /"values.cloud_cover@\+60" is "0.3"/],
    [{ 'ghi_wm2@+0': 1 }, /"values" has no step of "cloud_cover"/],
    [{}, /"values" has no step of "ghi_wm2", "cloud_cover"/],
  ];
  for (const [values, reason] of cases) {
    const r = validateItem({ ...run, values }, nwp, sites, now);
    assert.ok(!r.ok, JSON.stringify(values));
    assert.match(r.reason, reason);
  }
  for (const values of [null, [1, 2], 'x', undefined]) {
    const r = validateItem({ ...run, values }, nwp, sites, now);
    assert.ok(!r.ok);
    assert.match(r.reason, /"values" is .*expected an object of numbers keyed "<field>@\+<minutes>"/);
  }
});

test('a forecast run has at most MAX_RUN_KEYS values: a longer one is rejected, saying how many', () => {
  const values = (steps: number): Record<string, number> => {
    const out: Record<string, number> = {};
    for (let i = 0; i < steps; i++) {
      out[`ghi_wm2@+${i * 5}`] = 100;
      out[`cloud_cover@+${i * 5}`] = 0.5;
    }
    return out;
  };
  assert.ok(validateItem({ ...run, values: values(MAX_RUN_KEYS / 2) }, nwp, sites, now).ok);
  const r = validateItem({ ...run, values: values(MAX_RUN_KEYS / 2 + 1) }, nwp, sites, now);
  assert.ok(!r.ok);
  assert.match(
    r.reason,
    new RegExp(`"values" has ${MAX_RUN_KEYS + 2} keys, more than the ${MAX_RUN_KEYS} a run may carry`),
  );
});

test('a forecast run follows the same rules of time as any record: runAt not in the future, published after it', () => {
  const future = validateItem({ ...run, observedAt: '2026-06-01T13:00:00Z', publishedAt: undefined }, nwp, sites, now);
  assert.ok(!future.ok);
  assert.match(future.reason, /in the future/);
  const early = validateItem({ ...run, publishedAt: '2026-06-01T09:00:00Z' }, nwp, sites, now);
  assert.ok(!early.ok);
  assert.match(early.reason, /before "observedAt"/);
});
