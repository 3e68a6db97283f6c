import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecastConfigSchema } from '../../../shared/config/ForecastConfig';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import { featureNames } from '../../../shared/features/featureNames';
import { featureRow } from '../../../shared/features/featureRow';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import type { LatestObservation } from '../../../shared/features/LatestObservation';
import { FeatureSpecError } from '../../../shared/features/FeatureSpecError';
import { clearSkyAt } from '../../../shared/solar/smartPersistence';

const SPEC: FeatureSpec = {
  sources: ['site-meter', 'neighbors'],
  fields: { 'site-meter': ['power_kw', 'ghi_wm2'], neighbors: ['ghi_w25'] },
  leadsMinutes: [20, 40],
  latitude: 0,
  longitude: 0,
};
// 2026 has 365 days; July 2 12:00 UTC is 182.5 days in: exactly half a year, and noon.
const ISSUE = new Date('2026-07-02T12:00:00Z');
const LATEST = new Map<string, LatestObservation>([
  [
    'site-meter',
    { observedAt: Date.parse('2026-07-02T11:30:00Z'), values: { power_kw: 812.5, ghi_wm2: 901, extra: 1 } },
  ],
  ['neighbors', { observedAt: Date.parse('2026-07-02T11:20:00Z'), values: { ghi_w25: 640 } }],
]);

test('featureNames: per source its fields then its age, then sun, clear sky now and per lead, then time', () => {
  assert.deepEqual(featureNames(SPEC), [
    'site-meter.power_kw',
    'site-meter.ghi_wm2',
    'site-meter.age_min',
    'neighbors.ghi_w25',
    'neighbors.age_min',
    'sun.elevation',
    'sun.azimuth_sin',
    'sun.azimuth_cos',
    'clearsky.ghi_now',
    'clearsky.ghi_+20',
    'clearsky.ghi_+40',
    'time.hour_sin',
    'time.hour_cos',
    'time.doy_sin',
    'time.doy_cos',
  ]);
});

test('featureRow: values of a hand-computed example (equator, July 2, noon UTC)', () => {
  const row = featureRow(SPEC, ISSUE, LATEST);
  assert.ok(Array.isArray(row), JSON.stringify(row));
  assert.equal(row.length, featureNames(SPEC).length);
  const get = (name: string): number => row[featureNames(SPEC).indexOf(name)] as number;
  assert.equal(get('site-meter.power_kw'), 812.5);
  assert.equal(get('site-meter.ghi_wm2'), 901);
  assert.equal(get('site-meter.age_min'), 30);
  assert.equal(get('neighbors.ghi_w25'), 640);
  assert.equal(get('neighbors.age_min'), 40);
  // Declination on July 2 is 23.04° and the equation of time -4 min (hour angle -1°): the sun stands 66.96° high,
  // 2.4° east of north.
  assert.ok(Math.abs(get('sun.elevation') - 66.96) < 0.1, `elevation ${get('sun.elevation')}`);
  assert.ok(
    Math.abs(get('sun.azimuth_sin') - Math.sin((2.4 * Math.PI) / 180)) < 0.005,
    `azimuth_sin ${get('sun.azimuth_sin')}`,
  );
  assert.ok(Math.abs(get('sun.azimuth_cos') - 1) < 0.001);
  // Haurwitz: 1098 * cz * exp(-0.059 / cz) with cz = sin(66.97°) = 0.9203 gives 947.7 W/m².
  assert.ok(Math.abs(get('clearsky.ghi_now') - 947.7) < 0.5, `ghi_now ${get('clearsky.ghi_now')}`);
  // Past solar noon the sun sinks: clear sky at the later validTimes is lower, and still near 940.
  assert.ok(get('clearsky.ghi_+20') < get('clearsky.ghi_now') + 3 && get('clearsky.ghi_+40') < get('clearsky.ghi_+20'));
  assert.ok(get('clearsky.ghi_+40') > 900);
  assert.ok(Math.abs(get('time.hour_sin')) < 1e-12);
  assert.equal(get('time.hour_cos'), -1);
  assert.ok(Math.abs(get('time.doy_sin')) < 1e-12);
  assert.equal(get('time.doy_cos'), -1);
});

test('featureRow: clear sky is zero for every lead at night, and the sun is below the horizon', () => {
  const spec = { ...SPEC, latitude: 55.68, longitude: 12.57 };
  const row = featureRow(spec, new Date('2026-01-01T00:00:00Z'), LATEST);
  assert.ok(Array.isArray(row));
  const names = featureNames(spec);
  assert.ok((row[names.indexOf('sun.elevation')] as number) < -50);
  for (const name of ['clearsky.ghi_now', 'clearsky.ghi_+20', 'clearsky.ghi_+40'])
    assert.equal(row[names.indexOf(name)], 0, name);
  assert.equal(row[names.indexOf('time.hour_sin')], 0);
  assert.equal(row[names.indexOf('time.hour_cos')], 1);
  assert.equal(row[names.indexOf('time.doy_sin')], 0);
});

test('featureRow: a missing source or value names the features it could not fill', () => {
  const noNeighbors = new Map([...LATEST].filter(([s]) => s !== 'neighbors'));
  assert.deepEqual(featureRow(SPEC, ISSUE, noNeighbors), { missing: ['neighbors.ghi_w25', 'neighbors.age_min'] });
  const broken = new Map(LATEST);
  broken.set('site-meter', { observedAt: Date.parse('2026-07-02T11:30:00Z'), values: { power_kw: Number.NaN } });
  assert.deepEqual(featureRow(SPEC, ISSUE, broken), { missing: ['site-meter.power_kw', 'site-meter.ghi_wm2'] });
});

test('featureRow: the baseline spec (no sources) needs nothing but the clock and the site', () => {
  const baseline: FeatureSpec = {
    sources: [],
    fields: {},
    leadsMinutes: [20, 40, 60],
    latitude: 55.68,
    longitude: 12.57,
  };
  const names = featureNames(baseline);
  assert.deepEqual(names, [
    'sun.elevation',
    'sun.azimuth_sin',
    'sun.azimuth_cos',
    'clearsky.ghi_now',
    'clearsky.ghi_+20',
    'clearsky.ghi_+40',
    'clearsky.ghi_+60',
    'time.hour_sin',
    'time.hour_cos',
    'time.doy_sin',
    'time.doy_cos',
  ]);
  const row = featureRow(baseline, ISSUE, new Map());
  assert.ok(Array.isArray(row));
  assert.equal(row.length, names.length);
  assert.ok(row.every(Number.isFinite));
});

test('featureRow and featureNames reject a spec whose names would collide or whose lead is not ahead', () => {
  const bad: [string, FeatureSpec][] = [
    ['reserved', { ...SPEC, sources: ['sun'], fields: { sun: ['x'] } }],
    ['twice', { ...SPEC, sources: ['neighbors', 'neighbors'] }],
    ['no entry in fields', { ...SPEC, sources: ['weather'] }],
    ['age feature', { ...SPEC, fields: { ...SPEC.fields, neighbors: ['age_min'] } }],
    ['lead 0', { ...SPEC, leadsMinutes: [0, 20] }],
    ['duplicate lead', { ...SPEC, leadsMinutes: [20, 20] }],
    ['latitude', { ...SPEC, latitude: 91 }],
  ];
  for (const [what, spec] of bad) {
    for (const call of [() => featureNames(spec), () => featureRow(spec, ISSUE, LATEST)]) {
      assert.throws(call, (e: unknown) => e instanceof FeatureSpecError && e.code === 'INVALID_FEATURE_SPEC', what);
    }
  }
});

test('featureSpecFor: configuration order and fields whatever order the sources are asked in', () => {
  const config = forecastConfigSchema.parse({
    sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }],
    sources: ['site-meter', 'neighbors', 'weather'].map((id) => ({
      id,
      kind: 'sensor',
      provider: { endpoint: 'http://localhost:1/', apiKey: 'k' },
      schedule: '%S%',
      fields: id === 'site-meter' ? ['power_kw', 'ghi_wm2'] : ['a', 'b'],
    })),
    target: { source: 'site-meter', field: 'power_kw' },
  });
  const spec = featureSpecFor(config, 'park-1', ['weather', 'site-meter']);
  assert.deepEqual(spec, {
    sources: ['site-meter', 'weather'],
    fields: { 'site-meter': ['power_kw', 'ghi_wm2'], weather: ['a', 'b'] },
    leadsMinutes: [20, 40, 60],
    latitude: 55.68,
    longitude: 12.57,
    history: { 'site-meter': { lastK: 3, windowMinutes: 60 }, weather: { lastK: 3, windowMinutes: 60 } },
    calendar: { timeZone: 'UTC' },
    solarInputs: false,
  });
  assert.deepEqual(featureSpecFor(config, 'park-1', []).sources, []);
  assert.throws(
    () => featureSpecFor(config, 'park-1', ['skycam']),
    (e: unknown) => e instanceof FeatureSpecError && e.code === 'UNKNOWN_ID' && e.message.includes('"skycam"'),
  );
  assert.throws(
    () => featureSpecFor(config, 'park-2', []),
    (e: unknown) => e instanceof FeatureSpecError && e.code === 'UNKNOWN_ID',
  );
});

test('clearSkyAtObservation: an opt-in column after the source age, the clear sky at its observedAt; other columns unchanged', () => {
  const spec: FeatureSpec = { ...SPEC, clearSkyAtObservation: ['site-meter'] };
  const names = featureNames(spec);
  assert.deepEqual(
    names.filter((n) => !featureNames(SPEC).includes(n)),
    ['site-meter.clearsky_obs'],
  );
  assert.equal(names.indexOf('site-meter.clearsky_obs'), names.indexOf('site-meter.age_min') + 1);
  const row = featureRow(spec, ISSUE, LATEST);
  const plain = featureRow(SPEC, ISSUE, LATEST);
  assert.ok(Array.isArray(row) && Array.isArray(plain));
  assert.deepEqual(
    row.filter((_, i) => names[i] !== 'site-meter.clearsky_obs'),
    plain,
  );
  const csObs = clearSkyAt(spec, Date.parse('2026-07-02T11:30:00Z'));
  assert.ok(csObs > 800, `${csObs}`);
  assert.equal(row[names.indexOf('site-meter.clearsky_obs')], csObs);
  assert.throws(
    () => featureNames({ ...SPEC, clearSkyAtObservation: ['skycam'] }),
    /clearSkyAtObservation names "skycam", which is not among the sources/,
  );
});

test('a forecast source: each field at each lead validTime from the run (interpolated), then the run age; outside the run the row says what is missing', () => {
  const spec: FeatureSpec = {
    sources: ['site-meter', 'nwp'],
    fields: { 'site-meter': ['power_kw'], nwp: ['ghi_wm2', 'cloud_cover'] },
    leadsMinutes: [20, 40],
    latitude: 0,
    longitude: 0,
    forecastSources: ['nwp'],
  };
  assert.deepEqual(featureNames(spec).slice(0, 8), [
    'site-meter.power_kw',
    'site-meter.age_min',
    'nwp.ghi_wm2@+20',
    'nwp.ghi_wm2@+40',
    'nwp.cloud_cover@+20',
    'nwp.cloud_cover@+40',
    'nwp.age_min',
    'sun.elevation',
  ]);
  // The run started at 10:00 (two hours before the issue), steps every 60 minutes: +20 is 140 min after runAt.
  const run = {
    observedAt: Date.parse('2026-07-02T10:00:00Z'),
    values: {
      'ghi_wm2@+120': 600,
      'ghi_wm2@+180': 900,
      'cloud_cover@+120': 0.5,
      'cloud_cover@+180': 0.2,
      'ghi_wm2@+60': 1,
    },
  };
  const latest = new Map<string, LatestObservation>([
    ['site-meter', { observedAt: Date.parse('2026-07-02T11:50:00Z'), values: { power_kw: 10 } }],
    ['nwp', run],
  ]);
  const row = featureRow(spec, ISSUE, latest);
  assert.ok(Array.isArray(row), JSON.stringify(row));
  assert.deepEqual(
    row.slice(0, 7).map((v) => Math.round(v * 1e6) / 1e6),
    [10, 10, 700, 800, 0.4, 0.3, 120],
  );
  assert.equal(row.length, featureNames(spec).length);
  // A lead past the run's last step is missing, not extrapolated: the model is not chosen.
  const late = featureRow({ ...spec, leadsMinutes: [20, 70] }, ISSUE, latest);
  assert.deepEqual(late, { missing: ['nwp.ghi_wm2@+70', 'nwp.cloud_cover@+70'] });
});

test('featureSpecFor: forecast sources are named in the spec (and only then), so sensor-only models keep their columns', () => {
  const base = {
    sites: [{ id: 'p', latitude: 1, longitude: 2 }],
    sources: [
      {
        id: 'm',
        kind: 'sensor',
        provider: { endpoint: 'http://127.0.0.1:1', apiKey: 'k' },
        schedule: '0 */5 * * * *',
        fields: ['p'],
      },
      {
        id: 'w',
        kind: 'forecast',
        provider: { endpoint: 'http://127.0.0.1:2', apiKey: 'k' },
        schedule: '0 */15 * * * *',
        fields: ['g'],
      },
    ],
    target: { source: 'm', field: 'p' },
    forecast: { leadsMinutes: [30], cadenceMinutes: 10 },
  };
  const config = forecastConfigSchema.parse(base);
  assert.deepEqual(featureSpecFor(config, 'p', ['m', 'w']).forecastSources, ['w']);
  assert.equal('forecastSources' in featureSpecFor(config, 'p', ['m']), false);
  assert.deepEqual(featureNames(featureSpecFor(config, 'p', ['w'])).slice(0, 2), ['w.g@+30', 'w.age_min']);
  assert.throws(
    () => featureNames({ ...featureSpecFor(config, 'p', ['m']), forecastSources: ['w'] }),
    (err: unknown) => err instanceof FeatureSpecError && /forecastSources names "w"/.test(err.message),
  );
});
