import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataset } from '../../../shared/training/buildDataset';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';
import { TrainingDataError } from '../../../shared/training/TrainingDataError';
import { smartPersistence } from '../../../shared/solar/smartPersistence';

const MIN = 60_000;
const T0 = Date.parse('2026-05-01T10:00:00Z');
const at = (minutes: number): number => T0 + minutes * MIN;

// meter: every 10 min but 60, each readable 25 min after it was observed; p = minutes since T0.
const METER: HistoryRecord[] = [0, 10, 20, 30, 40, 50, 70, 80, 90, 100, 110, 120].map((m) => ({
  observedAt: at(m),
  availableAt: at(m + 25),
  values: { p: m },
}));
// cam: the 30-minute picture arrives late, at 90, after the 40-minute one (at 55).
const CAM_ARRIVALS: [number, number][] = [
  [0, 20],
  [10, 30],
  [20, 45],
  [30, 90],
  [40, 55],
];
const CAM: HistoryRecord[] = CAM_ARRIVALS.map(([o, a]) => ({
  observedAt: at(o),
  availableAt: at(a),
  values: { c: 1000 + o },
}));
const SPEC: FeatureSpec = {
  sources: ['meter', 'cam'],
  fields: { meter: ['p'], cam: ['c'] },
  leadsMinutes: [10, 20],
  latitude: 55.68,
  longitude: 12.57,
};
const OPTIONS = {
  spec: SPEC,
  target: { source: 'meter', field: 'p' },
  history: new Map([
    ['meter', METER],
    ['cam', CAM],
  ]),
  from: new Date(at(0)),
  to: new Date(at(100)),
  cadenceMinutes: 10,
};

test('buildDataset: rows, targets, persistence and inputs of a hand-worked example', () => {
  const d = buildDataset(OPTIONS);
  assert.deepEqual(d.issueTimes, [30, 60, 70, 80, 90, 100].map(at));
  assert.equal(d.slots, 11);
  assert.deepEqual(d.dropped, { 'missing-input:meter': 3, 'missing-target:+20': 1, 'missing-target:+10': 1 });
  assert.deepEqual([...d.Y], [40, 50, 70, 80, 80, 90, 90, 100, 100, 110, 110, 120]);
  assert.deepEqual([...d.persistence], [0, 30, 40, 50, 50, 70]);
  assert.deepEqual([...d.persistenceUsed.observedAt], [0, 30, 40, 50, 50, 70].map(at));
  assert.deepEqual([...d.used['meter']!.observedAt], [0, 30, 40, 50, 50, 70].map(at));
  // At 90 the late 30-minute picture has just arrived, but the 40-minute one is newer: that one is the input.
  assert.deepEqual([...d.used['cam']!.observedAt], [10, 40, 40, 40, 40, 40].map(at));
  assert.deepEqual([...d.used['cam']!.availableAt], [30, 55, 55, 55, 55, 55].map(at));
  const F = d.featureNames.length;
  const col = (name: string): number[] =>
    d.issueTimes.map((_, r) => d.X[r * F + d.featureNames.indexOf(name)] as number);
  assert.deepEqual(col('meter.p'), [0, 30, 40, 50, 50, 70]);
  assert.deepEqual(col('meter.age_min'), [30, 30, 30, 30, 40, 30]);
  assert.deepEqual(col('cam.c'), [1010, 1040, 1040, 1040, 1040, 1040]);
  assert.deepEqual(col('cam.age_min'), [20, 20, 30, 40, 50, 60]);
  assert.equal(d.X.length, 6 * F);
});

test('buildDataset: the newest available record decides, even when it lacks a value (as live prediction does)', () => {
  const cam = CAM.map((r) => (r.observedAt === at(40) ? { ...r, values: {} } : r));
  const d = buildDataset({
    ...OPTIONS,
    history: new Map([
      ['meter', METER],
      ['cam', cam],
    ]),
  });
  assert.deepEqual(d.issueTimes, [at(30)]);
  assert.deepEqual(d.dropped, {
    'missing-input:meter': 3,
    'missing-target:+20': 1,
    'missing-target:+10': 1,
    'missing-value:cam.c': 5,
  });
  assert.equal(Object.values(d.dropped).reduce((a, b) => a + b, 0) + d.issueTimes.length, d.slots);
});

test('buildDataset: with staleness limits, a row whose input is too old is dropped, as live prediction would not use it', () => {
  const d = buildDataset({ ...OPTIONS, stalenessLimitMinutes: { cam: 45 } });
  // cam is 50 and 60 minutes old at 90 and 100 (nothing newer than the 40-minute picture arrived).
  assert.deepEqual(d.issueTimes, [30, 60, 70, 80].map(at));
  assert.deepEqual(d.dropped, {
    'missing-input:meter': 3,
    'missing-target:+20': 1,
    'missing-target:+10': 1,
    'stale-input:cam': 2,
  });
});

test('buildDataset: a baseline spec needs no source; persistence is NaN where no target value was available yet', () => {
  const d = buildDataset({
    ...OPTIONS,
    spec: { ...SPEC, sources: [], fields: {} },
    history: new Map([['meter', METER]]),
  });
  // Every slot whose two targets exist is a row, available inputs or not.
  assert.deepEqual(d.issueTimes, [0, 10, 20, 30, 60, 70, 80, 90, 100].map(at));
  assert.deepEqual(d.dropped, { 'missing-target:+20': 1, 'missing-target:+10': 1 });
  assert.deepEqual(d.used, {});
  assert.ok([0, 1, 2].every((r) => Number.isNaN(d.persistence[r])));
  assert.ok(Number.isNaN(d.persistenceUsed.availableAt[0]));
  assert.equal(d.persistence[3], 0);
  assert.equal(d.featureNames[0], 'sun.elevation');
});

test('buildDataset: issue slots are aligned to the cadence, from and to inclusive', () => {
  const d = buildDataset({ ...OPTIONS, from: new Date(at(25)), to: new Date(at(60)), cadenceMinutes: 30 });
  assert.equal(d.slots, 2); // 30 and 60
  assert.deepEqual(d.issueTimes, [at(30), at(60)]);
  const empty = buildDataset({ ...OPTIONS, from: new Date(at(31)), to: new Date(at(39)) });
  assert.equal(empty.slots, 0);
  assert.equal(empty.X.length, 0);
});

test('buildDataset: a missing history or a bad window is a typed error naming it', () => {
  const isError = (code: string, text: string) => (e: unknown) =>
    e instanceof TrainingDataError && e.code === code && e.message.includes(text);
  assert.throws(
    () => buildDataset({ ...OPTIONS, history: new Map([['meter', METER]]) }),
    isError('MISSING_HISTORY', '"cam"'),
  );
  assert.throws(
    () => buildDataset({ ...OPTIONS, target: { source: 'power', field: 'p' } }),
    isError('MISSING_HISTORY', '"power"'),
  );
  assert.throws(() => buildDataset({ ...OPTIONS, cadenceMinutes: 0 }), isError('INVALID_OPTIONS', 'cadenceMinutes 0'));
  assert.throws(
    () => buildDataset({ ...OPTIONS, from: new Date(at(10)), to: new Date(at(0)) }),
    isError('INVALID_OPTIONS', 'after'),
  );
});

test('buildDataset: 30 days x 144 slots x 4 sources in well under a second', (t) => {
  const days = 30;
  const start = Date.parse('2026-04-01T00:00:00Z');
  const fields: Record<string, string[]> = {
    'site-meter': ['power_kw', 'ghi_wm2'],
    neighbors: ['ghi_w25', 'ghi_w45', 'ghi_nw35', 'ghi_sw35'],
    weather: ['temp_c', 'wind_speed_ms', 'wind_dir_deg', 'humidity_pct', 'pressure_hpa'],
    skycam: ['cloud_all', 'cloud_center', 'cloud_n', 'cloud_e', 'cloud_s', 'cloud_w', 'brightness', 'contrast'],
  };
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const history = new Map<string, HistoryRecord[]>();
  for (const [source, names] of Object.entries(fields)) {
    const records: HistoryRecord[] = [];
    for (let i = 0; i < days * 144 + 12; i++) {
      const observedAt = start - 60 * MIN + i * 10 * MIN;
      // 20-40 minutes late, now and then a batch hours late.
      const delay = (random() < 0.02 ? 120 + 240 * random() : 20 + 20 * random()) * MIN;
      records.push({
        observedAt,
        availableAt: observedAt + delay,
        values: Object.fromEntries(names.map((n) => [n, random() * 1000])),
      });
    }
    history.set(source, records);
  }
  const spec: FeatureSpec = {
    sources: Object.keys(fields),
    fields,
    leadsMinutes: [20, 40, 60],
    latitude: 55.68,
    longitude: 12.57,
  };
  const options = {
    spec,
    target: { source: 'site-meter', field: 'power_kw' },
    history,
    from: new Date(start),
    to: new Date(start + days * 86_400_000 - 10 * MIN),
    cadenceMinutes: 10,
  };
  const cold = performance.now();
  buildDataset(options);
  const coldMs = performance.now() - cold;
  const began = performance.now();
  const d = buildDataset(options); // warm, as when a training run builds one dataset per source set
  const ms = performance.now() - began;
  assert.equal(d.slots, days * 144);
  assert.ok(d.issueTimes.length > d.slots * 0.9, `${d.issueTimes.length} rows`);
  assert.ok(coldMs < 1000 && ms < 1000, `took ${coldMs.toFixed(0)} ms cold, ${ms.toFixed(0)} ms warm`);
  t.diagnostic(
    `${days} days, ${d.slots} slots, 4 sources, ${d.featureNames.length} features -> ${d.issueTimes.length} rows: ${coldMs.toFixed(1)} ms cold, ${ms.toFixed(1)} ms warm`,
  );
});

test('buildDataset: a solar target gets smart persistence per row and lead, of the same newest value persistence uses', () => {
  const plain = buildDataset(OPTIONS);
  assert.equal(plain.smartPersistence, undefined, 'not for a target that is not solar');
  const d = buildDataset({ ...OPTIONS, target: { ...OPTIONS.target, solar: true } });
  const L = SPEC.leadsMinutes.length;
  assert.equal(d.smartPersistence?.length, d.issueTimes.length * L);
  d.issueTimes.forEach((t, r) => {
    SPEC.leadsMinutes.forEach((lead, l) => {
      const expected = smartPersistence(
        { value: d.persistence[r] as number, observedAt: d.persistenceUsed.observedAt[r] as number },
        SPEC,
        t + lead * MIN,
      );
      assert.ok(Math.abs((d.smartPersistence?.[r * L + l] as number) - expected) <= 1e-4 * Math.abs(expected));
    });
  });
  // A May morning in Copenhagen: the sun climbs, so smart persistence forecasts more than persistence.
  assert.ok((d.smartPersistence?.[L + 1] as number) > (d.persistence[1] as number));
  assert.deepEqual([...d.X], [...plain.X], 'the model inputs are the same');
});
