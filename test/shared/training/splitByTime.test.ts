import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataset } from '../../../shared/training/buildDataset';
import type { HistoryRecord } from '../../../shared/training/HistoryRecord';
import { splitByTime } from '../../../shared/training/splitByTime';
import { TrainingDataError } from '../../../shared/training/TrainingDataError';

const MIN = 60_000;
const T0 = Date.parse('2026-05-01T00:00:00Z');
const RECORDS: HistoryRecord[] = Array.from({ length: 200 }, (_, i) => ({ observedAt: T0 + i * 10 * MIN, availableAt: T0 + i * 10 * MIN + 30 * MIN, values: { v: i } }));
const DATASET = buildDataset({
  spec: { sources: ['meter'], fields: { meter: ['v'] }, leadsMinutes: [20, 40], latitude: 55.68, longitude: 12.57 },
  target: { source: 'meter', field: 'v' },
  history: new Map([['meter', RECORDS]]),
  from: new Date(T0 + 30 * MIN),
  to: new Date(T0 + 1020 * MIN), // 100 slots, all with inputs and targets
  cadenceMinutes: 10,
});

test('splitByTime: the held-out part follows the training part, rows in time order, nothing shuffled', () => {
  assert.equal(DATASET.issueTimes.length, 100);
  const { training, heldOut } = splitByTime(DATASET, 0.2, { purge: false });
  assert.equal(heldOut.issueTimes.length, 20);
  assert.equal(training.issueTimes.length, 80);
  assert.deepEqual([...training.issueTimes, ...heldOut.issueTimes], DATASET.issueTimes);
  const F = DATASET.featureNames.length;
  assert.deepEqual(heldOut.X, DATASET.X.slice(80 * F));
  assert.deepEqual(heldOut.Y, DATASET.Y.slice(80 * 2));
  assert.deepEqual(heldOut.persistence, DATASET.persistence.slice(80));
  assert.deepEqual(heldOut.used['meter']?.observedAt, DATASET.used['meter']?.observedAt.slice(80));
  assert.deepEqual(training.featureNames, DATASET.featureNames);
});

test('splitByTime: by default, training rows whose targets reach into the held-out time are purged', () => {
  const { training, heldOut } = splitByTime(DATASET, 0.2);
  const firstHeldOut = heldOut.issueTimes[0] as number;
  assert.equal(heldOut.issueTimes.length, 20);
  // Longest lead 40 min, cadence 10: the last 3 training slots have labels after the first held-out issueTime,
  // values the held-out rows forecast.
  assert.equal(training.issueTimes.length, 77);
  assert.ok(training.issueTimes.every((t) => t + 40 * MIN <= firstHeldOut));
});

test('splitByTime: the fraction must lie strictly between 0 and 1', () => {
  for (const f of [0, 1, -0.1, Number.NaN]) {
    assert.throws(() => splitByTime(DATASET, f), (e: unknown) => e instanceof TrainingDataError && e.code === 'INVALID_OPTIONS');
  }
});
