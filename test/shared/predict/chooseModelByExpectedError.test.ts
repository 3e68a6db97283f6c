import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseModel } from '../../../shared/predict/chooseModel';
import { expectedRmseAt, MIN_BAND_ROWS } from '../../../shared/registry/expectedRmseAt';
import type { StalenessLimit } from '../../../shared/features/learnStalenessLimit';
import type { Observation } from '../../../shared/sources/Observation';
import type { ExpectedErrorTable } from '../../../shared/registry/ExpectedErrorTable';
import { featureNames } from '../../../shared/features/featureNames';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { withFeatureInputs } from '../../../shared/features/FeatureSpec';
import { testConfig } from '../../support/testServices';

const config = testConfig();
const issue = new Date('2026-06-01T12:00:00Z');
const ALL = ['site-meter', 'neighbors', 'weather', 'skycam'];
const N = MIN_BAND_ROWS;

/** A table from per-band RMSE (the same at every lead) and row counts. */
const table = (rmse: Record<number, number>, n: Record<number, number> = {}, maxAgeRatio = 24): ExpectedErrorTable => ({
  bands: Object.entries(rmse).map(([band, v]) => ({ band: Number(band), rmse: [v, v, v], n: n[Number(band)] ?? N })),
  maxAgeRatio,
});

const model = (id: string, sources: string[], expectedError?: ExpectedErrorTable, kind = 'gbdt') => ({
  id,
  kind,
  sources,
  // The columns of a card without history inputs: these tests are about the choice, not the columns.
  featureNames: featureNames(withFeatureInputs(featureSpecFor(config, 'park-1', sources), undefined)),
  ...(expectedError ? { expectedError } : {}),
});

function obs(source: string, ageMinutes: number): Observation {
  const observedAt = new Date(issue.getTime() - ageMinutes * 60_000).toISOString();
  const fields = config.sources.find((s) => s.id === source)?.fields ?? [];
  return {
    source,
    site: 'park-1',
    observedAt,
    availableAt: observedAt,
    values: Object.fromEntries(fields.map((f) => [f, 1])),
  };
}
const limits = new Map(ALL.map((s) => [s, { minutes: 60, basis: 'configured', samples: 0 } as StalenessLimit]));
const latestWith = (ages: Record<string, number>): Map<string, Observation> =>
  new Map(Object.entries(ages).map(([s, age]) => [s, obs(s, age)]));

// The meter down for 3 hours (3x its limit: band 2-4x); everything else fresh.
const meterDown = latestWith({ 'site-meter': 180, neighbors: 30, weather: 30, skycam: 30 });

test('expected-error choice: the candidate with the lowest expected RMSE at the current ages wins, with the reason and the next best', () => {
  const candidates = [
    model('all', ALL, table({ 0: 0.3, 1: 0.4, 2: 0.41, 3: 0.6 })),
    model('no-meter', ['neighbors', 'weather', 'skycam'], table({ 0: 0.55 })),
    model('persistence-site-meter-power_kw', ['site-meter'], table({ 0: 0.5, 1: 0.7, 2: 0.9, 3: 1.2 }), 'persistence'),
  ];
  const choice = chooseModel(config, 'park-1', issue, candidates, { latest: meterDown, limits });
  assert.equal(choice?.model.id, 'all');
  assert.equal(choice?.choice.rule, 'expected-error');
  assert.equal(choice?.choice.expectedRmse, 0.41);
  assert.deepEqual(choice?.choice.nextBest, { model: 'no-meter', expectedRmse: 0.55 });
  assert.equal(choice?.choice.ageBand, '2-4x limit');
  assert.equal(choice?.choice.ages?.['site-meter'], 180);
  assert.match(choice?.choice.reason ?? '', /^expected RMSE 0\.41 at these ages .*; the next best no-meter 0\.55$/);
  assert.equal(choice?.row.length, choice?.model.featureNames.length);
});

test('expected-error choice: a candidate reading a stale source wins only when its expected error at that age is lower', () => {
  const noMeter = model('no-meter', ['neighbors', 'weather', 'skycam'], table({ 0: 0.5 }));
  // At 3x the limit the model on the meter expects 0.45 (< 0.5): it serves with the stale meter ...
  const stale = chooseModel(config, 'park-1', issue, [model('all', ALL, table({ 0: 0.3, 2: 0.45 })), noMeter], {
    latest: meterDown,
    limits,
  });
  assert.equal(stale?.model.id, 'all');
  // ... and the previous rule (freshness first) would not have used it.
  const previous = chooseModel(
    config,
    'park-1',
    issue,
    [model('all', ALL, table({ 0: 0.3, 2: 0.45 })), noMeter],
    { latest: meterDown, limits },
    { rule: 'freshness-first' },
  );
  assert.equal(previous?.model.id, 'no-meter');
  assert.equal(previous?.choice.rule, 'freshness-first');
  // At that age it expects 0.8: the model without the meter serves.
  const worse = chooseModel(config, 'park-1', issue, [model('all', ALL, table({ 0: 0.3, 2: 0.8 })), noMeter], {
    latest: meterDown,
    limits,
  });
  assert.equal(worse?.model.id, 'no-meter');
  assert.match(worse?.missing.find((m) => m.source === 'site-meter')?.reason ?? '', /^stale since/);
});

test('expected-error choice: persistence of the newest target value, however old, stays a candidate; a trained model is not trusted beyond the ages it was scored on', () => {
  const days = latestWith({ 'site-meter': 3 * 1440, neighbors: 30, weather: 30, skycam: 30 });
  const candidates = [
    model('all', ALL, table({ 0: 0.3, 5: 0.35 }, {}, 24)),
    model('persistence-site-meter-power_kw', ['site-meter'], table({ 0: 0.5, 5: 0.9 }), 'persistence'),
  ];
  // 4320 min / 60 = 72x the limit: beyond the model's 24x, so only persistence (however old) can serve.
  const choice = chooseModel(config, 'park-1', issue, candidates, { latest: days, limits });
  assert.equal(choice?.model.id, 'persistence-site-meter-power_kw');
  assert.match(choice?.choice.reason ?? '', /no other candidate could run/);
});

test('expected-error fallback: a band with too few rows takes the next older band, else the nearest younger one inflated by 1.5 per band', () => {
  const t = table({ 0: 1, 1: 5, 2: 2, 3: 3 }, { 1: N - 1 });
  assert.deepEqual(expectedRmseAt(t, 0), [1, 1, 1]);
  assert.deepEqual(expectedRmseAt(t, 1), [2, 2, 2], 'band 1 has too few rows: band 2');
  assert.deepEqual(expectedRmseAt(t, 3), [3, 3, 3]);
  assert.deepEqual(
    expectedRmseAt(t, 5),
    [3 * 1.5 ** 2, 3 * 1.5 ** 2, 3 * 1.5 ** 2],
    'two bands past the last: 3 x 1.5^2',
  );
  assert.equal(expectedRmseAt(table({ 0: 1 }, { 0: 3 }), 0), undefined, 'no band with enough rows');
  // In the chooser: the meter model's 2-4x band has 5 rows, so its >16x band (0.9) counts, and the model without it wins.
  const choice = chooseModel(
    config,
    'park-1',
    issue,
    [
      model('all', ALL, table({ 0: 0.3, 2: 0.31, 5: 0.9 }, { 2: 5 })),
      model('no-meter', ['neighbors', 'weather', 'skycam'], table({ 0: 0.6 })),
    ],
    { latest: meterDown, limits },
  );
  assert.equal(choice?.model.id, 'no-meter');
  assert.equal(choice?.choice.nextBest?.expectedRmse, 0.9);
});

test('cards of older versions (no expected-error tables) keep the freshness-first rule', () => {
  const candidates = [
    model('all', ALL),
    model('no-meter', ['neighbors', 'weather', 'skycam']),
    model('persistence-site-meter-power_kw', ['site-meter'], table({ 0: 0.1 }), 'persistence'),
  ];
  const choice = chooseModel(config, 'park-1', issue, candidates, { latest: meterDown, limits });
  assert.equal(choice?.model.id, 'no-meter');
  assert.equal(choice?.choice.rule, 'freshness-first');
  assert.equal(choice?.choice.expectedRmse, undefined);
  const fresh = chooseModel(config, 'park-1', issue, candidates, {
    latest: latestWith({ 'site-meter': 30, neighbors: 30, weather: 30, skycam: 30 }),
    limits,
  });
  assert.equal(fresh?.model.id, 'all');
});
