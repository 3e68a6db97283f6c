import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import { featureNames } from '../../../shared/features/featureNames';
import { featureRow } from '../../../shared/features/featureRow';
import { HISTORY_LOOKBACK_MS, recentUsable, type RecentObservation } from '../../../shared/features/historyFeatures';
import type { LatestObservation } from '../../../shared/features/LatestObservation';
import { buildDataset } from '../../../shared/training/buildDataset';
import { clearSkyAt } from '../../../shared/solar/smartPersistence';

const MIN = 60_000;
const T = Date.parse('2026-07-02T12:00:00Z');
const SPEC: FeatureSpec = {
  sources: ['meter'],
  fields: { meter: ['power_kw'] },
  leadsMinutes: [20],
  latitude: 55.7,
  longitude: 12.6,
  history: { meter: { lastK: 2, windowMinutes: 30 } },
  solarInputs: false,
  calendar: { timeZone: 'UTC' },
};
const obs = (minutesBefore: number, value: number, delay = 20): RecentObservation => ({
  observedAt: T - minutesBefore * MIN,
  availableAt: T - minutesBefore * MIN + delay * MIN,
  values: { power_kw: value },
});
const rowOf = (spec: FeatureSpec, recent: RecentObservation[]): Record<string, number> => {
  const usable = recent.filter((r) => r.availableAt <= T);
  const newest = usable.reduce((a, b) => (b.observedAt > a.observedAt ? b : a));
  const row = featureRow(spec, new Date(T), new Map([['meter', { ...newest, recent }]]));
  assert.ok(Array.isArray(row), JSON.stringify(row));
  const names = featureNames(spec);
  assert.equal(row.length, names.length);
  return Object.fromEntries(names.map((n, i) => [n, row[i] as number]));
};

test('history columns: previous values, difference, window mean/min/max and the gap features, by hand', () => {
  // Observed 30, 40, 50, 60 min before issueTime, each 20 min late; the one observed 10 min ago is not available yet.
  const row = rowOf(SPEC, [obs(60, 100), obs(50, 130), obs(40, 110), obs(30, 150), obs(10, 999)]);
  assert.deepEqual(featureNames(SPEC).slice(0, 9), [
    'meter.power_kw',
    'meter.power_kw@-1',
    'meter.power_kw@-2',
    'meter.power_kw.diff_1',
    'meter.power_kw.mean_30m',
    'meter.power_kw.min_30m',
    'meter.power_kw.max_30m',
    'meter.age_min',
    'meter.hist_count_30m',
  ]);
  assert.equal(row['meter.power_kw'], 150);
  assert.equal(row['meter.power_kw@-1'], 110);
  assert.equal(row['meter.power_kw@-2'], 130);
  assert.equal(row['meter.power_kw.diff_1'], 40);
  // The window (newest observedAt - 30 min, newest] holds the observations of -30, -40 and -50 min.
  assert.equal(row['meter.power_kw.mean_30m'], (150 + 110 + 130) / 3);
  assert.equal(row['meter.power_kw.min_30m'], 110);
  assert.equal(row['meter.power_kw.max_30m'], 150);
  assert.equal(row['meter.age_min'], 30);
  assert.equal(row['meter.hist_count_30m'], 3);
  assert.equal(row['meter.hist_oldest_age_min'], 50);
});

test('missing history is filled with the oldest value there is, and the count and oldest age say so', () => {
  const one = rowOf(SPEC, [obs(30, 150)]);
  assert.equal(one['meter.power_kw@-1'], 150);
  assert.equal(one['meter.power_kw@-2'], 150);
  assert.equal(one['meter.power_kw.diff_1'], 0);
  assert.equal(one['meter.hist_count_30m'], 1);
  assert.equal(one['meter.hist_oldest_age_min'], 30);
  const two = rowOf(SPEC, [obs(90, 80), obs(30, 150)]);
  assert.equal(two['meter.power_kw@-1'], 80);
  assert.equal(two['meter.power_kw@-2'], 80);
  assert.equal(two['meter.power_kw.mean_30m'], 150, 'the one 60 min before the newest is outside the window');
  assert.equal(two['meter.hist_count_30m'], 1);
  assert.equal(two['meter.hist_oldest_age_min'], 90);
});

test('a source with history but no recent observations given is missing, never silently filled', () => {
  const row = featureRow(
    SPEC,
    new Date(T),
    new Map([['meter', { observedAt: T - 30 * MIN, values: { power_kw: 1 } }]]),
  );
  assert.deepEqual(row, { missing: ['meter.history'] });
});

test('clear-sky index at the observation own time, and calendar in the local time zone', () => {
  const spec: FeatureSpec = {
    ...SPEC,
    history: {},
    clearSkyIndex: { meter: ['power_kw'] },
    calendar: { timeZone: 'Europe/Berlin', weekday: true, holidays: ['2026-07-02'] },
  };
  const row = rowOf(spec, [obs(30, 150)]);
  assert.ok(Math.abs((row['meter.power_kw.csi'] as number) - 150 / clearSkyAt(spec, T - 30 * MIN)) < 1e-9);
  // 12:00 UTC is 14:00 in Berlin (summer time) on Thursday, July 2, 2026 (Monday is 0).
  assert.ok(Math.abs((row['time.local_hour_sin'] as number) - Math.sin((2 * Math.PI * 14) / 24)) < 1e-9);
  assert.ok(Math.abs((row['time.local_hour_cos'] as number) - Math.cos((2 * Math.PI * 14) / 24)) < 1e-9);
  assert.ok(Math.abs((row['time.dow_sin'] as number) - Math.sin((2 * Math.PI * 3) / 7)) < 1e-9);
  assert.ok(Math.abs((row['time.dow_cos'] as number) - Math.cos((2 * Math.PI * 3) / 7)) < 1e-9);
  assert.equal(row['time.holiday'], 1);
  assert.equal(
    featureNames(spec).some((n) => n.startsWith('sun.') || n.startsWith('clearsky.')),
    false,
  );
  const night = featureRow(
    { ...spec, calendar: { timeZone: 'Europe/Berlin', holidays: ['2026-07-03'] } },
    new Date(T),
    new Map([['meter', { ...obs(30, 150), recent: [] }]]),
  );
  assert.ok(Array.isArray(night));
  assert.equal(night.at(-1), 0, 'not a holiday');
});

/** A small seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The history columns recomputed from the raw records the slow way: only what was available at t. */
function bruteForce(
  records: RecentObservation[],
  t: number,
  lastK: number,
  windowMinutes: number,
): number[] | undefined {
  const avail = records.filter(
    (r) => r.availableAt <= t && r.observedAt <= t && r.observedAt >= t - HISTORY_LOOKBACK_MS,
  );
  if (avail.length === 0) return undefined;
  const byTime = [...avail].sort((a, b) => b.observedAt - a.observedAt);
  const newest = byTime[0] as RecentObservation;
  const prev: RecentObservation[] = [];
  for (const r of byTime)
    if (r.observedAt < newest.observedAt && !prev.some((p) => p.observedAt === r.observedAt)) prev.push(r);
  const v = (r: RecentObservation): number => r.values['x'] as number;
  const lags: number[] = [];
  for (let k = 0; k < lastK; k++)
    lags.push(prev.length === 0 ? v(newest) : v(prev[Math.min(k, prev.length - 1)] as RecentObservation));
  const win = [newest, ...prev.filter((r) => r.observedAt > newest.observedAt - windowMinutes * MIN)];
  const used = [newest, ...prev.slice(0, lastK), ...win];
  const oldest = Math.min(...used.map((r) => r.observedAt));
  return [
    v(newest),
    ...lags,
    v(newest) - (lags[0] as number),
    win.reduce((a, r) => a + v(r), 0) / win.length,
    Math.min(...win.map(v)),
    Math.max(...win.map(v)),
    (t - newest.observedAt) / MIN,
    win.length,
    (t - oldest) / MIN,
  ];
}

test('property: no history input ever uses an observation available after issueTime (brute force, training and live)', () => {
  const random = rng(19);
  let datasetRows = 0;
  for (let trial = 0; trial < 200; trial++) {
    const lastK = 1 + Math.floor(random() * 4);
    const windowMinutes = 10 + Math.floor(random() * 120);
    const spec: FeatureSpec = {
      sources: ['s'],
      fields: { s: ['x'] },
      leadsMinutes: [10],
      latitude: 0,
      longitude: 0,
      history: { s: { lastK, windowMinutes } },
      solarInputs: false,
      calendar: { timeZone: 'UTC' },
    };
    const start = T - 6 * 3_600_000;
    const records: RecentObservation[] = [];
    for (let at = start; at < T + 3_600_000; at += 5 * (1 + Math.floor(random() * 3)) * MIN) {
      if (random() < 0.15) continue; // a gap
      // Delays from a few minutes to hours: late batches after an outage arrive out of order.
      const delay = (random() < 0.1 ? 60 + random() * 240 : 5 + random() * 40) * MIN;
      records.push({ observedAt: at, availableAt: Math.round(at + delay), values: { x: Math.round(random() * 1000) } });
    }
    const issue = start + Math.floor(random() * 7 * 6) * 10 * MIN;
    const expected = bruteForce(records, issue, lastK, windowMinutes);
    const sorted = [...records].sort((a, b) => a.observedAt - b.observedAt);
    const usable = recentUsable(sorted, issue);
    assert.ok(
      usable.every((r) => r.availableAt <= issue && r.observedAt <= issue),
      'recentUsable returns only the available',
    );
    const newest = usable[0];
    if (!expected || !newest) {
      assert.equal(expected, undefined);
      continue;
    }
    // Live hands over everything listed; featureRow ignores whatever is not available even if given all records.
    const latest: LatestObservation = { observedAt: newest.observedAt, values: newest.values, recent: records };
    const row = featureRow(spec, new Date(issue), new Map([['s', latest]]));
    assert.ok(Array.isArray(row));
    assert.deepEqual(row.slice(0, expected.length), expected, `trial ${trial}`);
    // Training: the dataset's row for the same slot is the same.
    const ds = buildDataset({
      spec,
      target: { source: 's', field: 'x' },
      history: new Map([['s', records.map((r) => ({ ...r }))]]),
      from: new Date(issue),
      to: new Date(issue),
      cadenceMinutes: 10,
    });
    datasetRows += ds.issueTimes.length;
    if (ds.issueTimes.length === 1)
      assert.deepEqual(
        Array.from(ds.X.slice(0, expected.length)),
        expected.map((x) => Math.fround(x)),
        `trial ${trial} dataset`,
      );
    // And changing what was not yet available changes nothing.
    const altered = records.map((r) => (r.availableAt > issue ? { ...r, values: { x: -1e6 } } : r));
    const again = featureRow(spec, new Date(issue), new Map([['s', { ...latest, recent: altered }]]));
    assert.deepEqual(again, row);
  }
  assert.ok(datasetRows > 30, `the dataset comparison ran (${datasetRows} rows)`);
});

test('a spec whose history is wrong or collides with a field fails naming the value', () => {
  const bad: [string, FeatureSpec][] = [
    ['"other"', { ...SPEC, history: { other: { lastK: 1, windowMinutes: 10 } } }],
    ['lastK -1', { ...SPEC, history: { meter: { lastK: -1, windowMinutes: 10 } } }],
    ['windowMinutes 0', { ...SPEC, history: { meter: { lastK: 1, windowMinutes: 0 } } }],
    ['"hist_count_30m"', { ...SPEC, fields: { meter: ['power_kw', 'hist_count_30m'] } }],
    ['"Mars/Olympus"', { ...SPEC, calendar: { timeZone: 'Mars/Olympus' } }],
    ['"temp_c"', { ...SPEC, clearSkyIndex: { meter: ['temp_c'] } }],
  ];
  for (const [fragment, spec] of bad)
    assert.throws(
      () => featureNames(spec),
      (e: unknown) => e instanceof Error && e.message.includes(fragment),
      fragment,
    );
});
