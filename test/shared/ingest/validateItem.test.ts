import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config/loadConfig';
import { validateItem } from '../../../shared/ingest/validateItem';

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
  ],
  target: { source: 'meter', field: 'power_kw' },
});
const meter = config.sources[0]!;
const cam = config.sources[1]!;
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
