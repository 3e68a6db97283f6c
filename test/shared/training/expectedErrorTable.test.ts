import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedErrorTable } from '../../../shared/training/expectedErrorTable';
import type { Rows } from '../../../shared/training/rowsWhere';

// One input column, the source's age; two leads; a staleness limit of 10 minutes (band 1: 10-20 min, band 2: 20-40).
const FEATURES = ['src.age_min'];
const LIMITS = { src: 10 };

interface Slot {
  key: string;
  age: number;
  y: [number, number];
  prediction: [number, number];
}

function rowsOf(slots: readonly Slot[]): { rows: Rows; predictions: Float32Array } {
  return {
    rows: {
      keys: slots.map((s) => s.key),
      X: Float32Array.from(slots.map((s) => s.age)),
      Y: Float32Array.from(slots.flatMap((s) => s.y)),
      persistence: new Float32Array(slots.length),
      cols: 1,
      leads: 2,
    },
    predictions: Float32Array.from(slots.flatMap((s) => s.prediction)),
  };
}

/** `n` slots keyed `<prefix>-<i>`, each off by `error` at both leads (0 and 0 at night). */
function slots(prefix: string, n: number, age: number, error: number, night = false): Slot[] {
  return Array.from({ length: n }, (_, i) => {
    const y = night ? 0 : 500 + i;
    return { key: `${prefix}-${i}`, age, y: [y, y], prediction: [y + error, y - error] };
  });
}

function table(fresh: readonly Slot[], aged: readonly Slot[], freshRmse = [10, 12]) {
  const f = rowsOf(fresh);
  const a = rowsOf(aged);
  return expectedErrorTable({
    fresh: { rmse: freshRmse, n: fresh.length },
    aged: a.rows,
    predictions: a.predictions,
    freshRows: f.rows,
    freshPredictions: f.predictions,
    featureNames: FEATURES,
    sources: ['src'],
    limits: LIMITS,
  });
}

test('expectedErrorTable: an older band is the fresh figure times how much worse the same slots did aged', () => {
  const fresh = slots('day', 40, 5, 10);
  // The same 40 slots with the input 15 min old (band 1): twice the error.
  const aged = slots('day', 40, 15, 20);
  const t = table(fresh, aged);
  assert.deepEqual(t.bands[0], { band: 0, rmse: [10, 12], n: 40 });
  assert.deepEqual(t.bands[1], { band: 1, rmse: [20, 24], n: 40 });
  assert.equal(t.maxAgeRatio, 1.5);
});

test('expectedErrorTable: stale inputs never look better than fresh ones because their rows are easier', () => {
  // Fresh rows by day and by night; the aged rows of band 2 happen to be night slots, where every model is exact.
  const fresh = [...slots('day', 40, 5, 10), ...slots('night', 40, 5, 0, true)];
  const aged = slots('night', 40, 30, 0, true);
  const t = table(fresh, aged);
  // Their raw RMSE is 0; slot for slot, the model did no worse aged than fresh there, so band 2 keeps the fresh figure.
  assert.deepEqual(
    t.bands.find((b) => b.band === 2),
    { band: 2, rmse: [10, 12], n: 40 },
  );
});

test('expectedErrorTable: an older band is never better than a younger trusted one', () => {
  const fresh = [...slots('a', 40, 5, 10), ...slots('b', 40, 5, 10)];
  // Band 1 (slots a) doubles the error; band 2 (slots b) happens to do as well as fresh.
  const aged = [...slots('a', 40, 15, 20), ...slots('b', 40, 30, 10)];
  const t = table(fresh, aged);
  assert.deepEqual(
    t.bands.map((b) => [b.band, b.rmse]),
    [
      [0, [10, 12]],
      [1, [20, 24]],
      [2, [20, 24]],
    ],
  );
});

test('expectedErrorTable: a band too small to trust does not raise the floor of older ones', () => {
  const fresh = [...slots('a', 5, 5, 10), ...slots('b', 40, 5, 10)];
  // Five slots in band 1 with ten times the error; 40 in band 2 with twice.
  const aged = [...slots('a', 5, 15, 100), ...slots('b', 40, 30, 20)];
  const t = table(fresh, aged);
  assert.deepEqual(t.bands.find((b) => b.band === 1)?.rmse, [100, 120]);
  assert.deepEqual(t.bands.find((b) => b.band === 2)?.rmse, [20, 24]);
});

test('expectedErrorTable: aged rows without a fresh row of the same slot are not counted', () => {
  const fresh = slots('day', 40, 5, 10);
  const aged = [...slots('day', 40, 15, 20), ...slots('elsewhere', 30, 15, 1000)];
  const t = table(fresh, aged);
  assert.deepEqual(t.bands[1], { band: 1, rmse: [20, 24], n: 40 });
  // The unmatched rows still tell how old the inputs were scored.
  assert.equal(t.maxAgeRatio, 1.5);
});

test('expectedErrorTable: a band where fresh forecasts were exact but aged ones were not is left out', () => {
  const fresh = slots('night', 40, 5, 0, true);
  const aged = slots('night', 40, 15, 3, true);
  const t = table(fresh, aged, [0, 0]);
  assert.deepEqual(
    t.bands.map((b) => b.band),
    [0],
  );
});
