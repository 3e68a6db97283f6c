import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformalQuantile } from '../../../shared/training/conformalIntervals';
import { SOLAR_ELEVATION_EDGES, sunAtValidTime } from '../../../shared/features/elevationBand';
import { heldOutIntervals } from '../../../shared/training/heldOutIntervals';
import type { Rows } from '../../../shared/training/rowsWhere';
import { TrainingDataError } from '../../../shared/training/TrainingDataError';
import { testConfig } from '../../support/testServices';

const config = testConfig(); // park-1, a solar target, leads 20, 40 and 60 minutes
const LEADS = config.forecast.leadsMinutes;
const SITE = config.sites[0] as (typeof config.sites)[number];
const DAY = Date.parse('2026-06-01T00:00:00Z');

/** Two days of 10-minute rows; the actual misses the forecast by `miss(lead index, row)`. */
function rows(miss: (l: number, r: number) => number): { rows: Rows; predictions: Float32Array } {
  const times = Array.from({ length: 288 }, (_, i) => DAY + i * 600_000);
  const predictions = new Float32Array(times.length * LEADS.length).fill(500);
  const Y = predictions.map((p, i) => p + miss(i % LEADS.length, Math.floor(i / LEADS.length)));
  return {
    rows: {
      keys: times.map((t) => `park-1|${t}`),
      X: new Float32Array(0),
      Y,
      persistence: new Float32Array(times.length),
      cols: 0,
      leads: LEADS.length,
    },
    predictions,
  };
}

test("heldOutIntervals: residuals actual - forecast, banded by the sun at each row's validTime at its site", () => {
  const { rows: held, predictions } = rows((l) => 10 * (l + 1));
  const intervals = heldOutIntervals(config, held, predictions);
  assert.ok(intervals);
  assert.deepEqual(intervals.bands, [...SOLAR_ELEVATION_EDGES]);
  LEADS.forEach((lead, l) => {
    const expected = [0, 0, 0, 0, 0];
    for (const key of held.keys) {
      const t = Number(key.split('|')[1]) + lead * 60_000;
      const band = sunAtValidTime(SITE, new Date(t), SOLAR_ELEVATION_EDGES).band;
      expected[band] = (expected[band] as number) + 1;
    }
    assert.deepEqual(intervals.n[l], expected, `+${lead}`);
    // Every residual of the lead is 10 (l + 1): so is every quantile of every band.
    for (const band of intervals.offsets[l] ?? []) assert.deepEqual(band, [10 * (l + 1), 10 * (l + 1), 10 * (l + 1)]);
  });
});

test("heldOutIntervals: a band of the lead with too few rows falls back to the lead's residuals of all bands", () => {
  // Residual = the row's band: pooled quantiles then differ from each band's own.
  const { rows: held, predictions } = rows((l, r) => {
    const t = DAY + r * 600_000 + (LEADS[l] as number) * 60_000;
    return sunAtValidTime(SITE, new Date(t), SOLAR_ELEVATION_EDGES).band;
  });
  const intervals = heldOutIntervals(config, held, predictions, { quantiles: [0.1, 0.5, 0.9], minBandRows: 60 });
  assert.ok(intervals);
  const n = intervals.n[0] as number[];
  const all = [...held.Y].filter((_, i) => i % LEADS.length === 0).map((y) => y - 500);
  const pooled = [0.1, 0.5, 0.9].map((q) =>
    conformalQuantile(
      [...all].sort((a, b) => a - b),
      q,
    ),
  );
  assert.ok(n.some((c) => c < 60) && n.some((c) => c >= 60), JSON.stringify(n));
  assert.ok(new Set(pooled).size > 1, `pooled quantiles span bands: ${JSON.stringify(pooled)}`);
  assert.deepEqual(
    intervals.offsets[0],
    n.map((count, band) => (count >= 60 ? [band, band, band] : pooled)),
  );
});

test('heldOutIntervals: a row key that names no configured site is an error naming it', () => {
  const { rows: held, predictions } = rows(() => 0);
  held.keys[3] = 'park-9|123';
  assert.throws(
    () => heldOutIntervals(config, held, predictions),
    (e: unknown) => e instanceof TrainingDataError && /"park-9\|123"/.test(e.message),
  );
});
