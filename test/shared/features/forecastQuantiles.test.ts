import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ForecastConfig } from '../../../shared/config/ForecastConfig';
import { SOLAR_ELEVATION_EDGES, sunAtValidTime } from '../../../shared/features/elevationBand';
import { forecastQuantiles } from '../../../shared/features/forecastQuantiles';
import type { ForecastIntervals } from '../../../shared/registry/ForecastIntervals';

const SITE = { latitude: 55.68, longitude: 12.57 };
const SOLAR: ForecastConfig['target'] = { source: 'meter', field: 'power_kw', unit: 'kW', min: 0, solar: true };
const NOON = new Date('2026-06-01T11:00:00Z'); // +20 min: the sun about 57 degrees up, band 4
const NIGHT = new Date('2026-06-01T22:00:00Z');

/** Solar intervals for one lead whose band b has offsets `byBand(b)`. */
function solarIntervals(byBand: (b: number) => number[]): ForecastIntervals {
  return {
    quantiles: [0.1, 0.5, 0.9],
    bands: [...SOLAR_ELEVATION_EDGES],
    offsets: [[0, 1, 2, 3, 4].map(byBand)],
    n: [[100, 100, 100, 100, 100]],
    minBandRows: 30,
  };
}
const WIDE = solarIntervals(() => [-300, 10, 200]);
const one = (
  intervals: ForecastIntervals | undefined,
  value: number,
  at = NOON,
  target: ForecastConfig['target'] = SOLAR,
): ReturnType<typeof forecastQuantiles>[number] => forecastQuantiles(intervals, target, SITE, at, [20], [value])[0];

describe('forecastQuantiles: the forecast plus its calibrated offsets, held to the physical limits', () => {
  it('adds the offsets of the lead and band', () => {
    assert.deepEqual(one(WIDE, 1000), { p10: 700, p50: 1010, p90: 1200 });
  });

  it('never below min, never above max', () => {
    assert.deepEqual(one(WIDE, 100), { p10: 0, p50: 110, p90: 300 });
    assert.deepEqual(one(WIDE, 1000, NOON, { ...SOLAR, max: 1100 }), { p10: 700, p50: 1010, p90: 1100 });
    assert.deepEqual(one(WIDE, 1090, NOON, { ...SOLAR, max: 1100 }), { p10: 790, p50: 1100, p90: 1100 });
  });

  it('all zero while the sun is down at the validTime (a solar target), whatever the offsets', () => {
    assert.equal(sunAtValidTime(SITE, new Date(NIGHT.getTime() + 20 * 60_000), []).down, true);
    assert.deepEqual(
      one(
        solarIntervals(() => [5, 6, 7]),
        0,
        NIGHT,
      ),
      { p10: 0, p50: 0, p90: 0 },
    );
    assert.deepEqual(
      one(
        solarIntervals(() => [5, 6, 7]),
        12,
        NIGHT,
      ),
      { p10: 0, p50: 0, p90: 0 },
    );
  });

  it('a target that is not solar keeps its intervals at night, and is not clipped without limits', () => {
    const target: ForecastConfig['target'] = { source: 'meter', field: 'load_kw', unit: 'kW', solar: false };
    const flat: ForecastIntervals = {
      quantiles: [0.1, 0.5, 0.9],
      bands: [],
      offsets: [[[-20, 0, 30]]],
      n: [[50]],
      minBandRows: 30,
    };
    assert.deepEqual(one(flat, 10, NIGHT, target), { p10: -10, p50: 10, p90: 40 });
  });

  it('p10 <= p50 <= p90 even from offsets out of order (a hand-edited card), after clipping', () => {
    const q = one(
      solarIntervals(() => [50, -10, 20]),
      1000,
    );
    assert.deepEqual(q, { p10: 990, p50: 1020, p90: 1050 });
    const clipped = one(
      solarIntervals(() => [-5, -50, 10]),
      20,
    );
    assert.deepEqual(clipped, { p10: 0, p50: 15, p90: 30 });
  });

  it('takes the band of the sun at each validTime: every band over a day, each lead its own', () => {
    const intervals = solarIntervals((b) => [b * 100 - 10, b * 100, b * 100 + 10]);
    const seen = new Set<number>();
    for (let t = Date.parse('2026-06-01T00:00:00Z'); t < Date.parse('2026-06-02T00:00:00Z'); t += 600_000) {
      const validTime = new Date(t + 20 * 60_000);
      const sun = sunAtValidTime(SITE, validTime, SOLAR_ELEVATION_EDGES);
      seen.add(sun.band);
      const q = one(intervals, 5000, new Date(t));
      const b = sun.band * 100;
      assert.deepEqual(
        q,
        sun.down ? { p10: 0, p50: 0, p90: 0 } : { p10: 5000 + b - 10, p50: 5000 + b, p90: 5000 + b + 10 },
      );
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
    const twoLeads: ForecastIntervals = {
      ...intervals,
      offsets: [[0, 1, 2, 3, 4].map(() => [-1, 0, 1]), [0, 1, 2, 3, 4].map(() => [-2, 0, 2])],
    };
    assert.deepEqual(forecastQuantiles(twoLeads, SOLAR, SITE, NOON, [20, 40], [100, 200]), [
      { p10: 99, p50: 100, p90: 101 },
      { p10: 198, p50: 200, p90: 202 },
    ]);
  });

  it('nothing without intervals, without the three levels, for a missing lead or for a forecast that is not a number', () => {
    assert.deepEqual(forecastQuantiles(undefined, SOLAR, SITE, NOON, [20, 40], [1, 2]), [undefined, undefined]);
    assert.equal(one({ ...WIDE, quantiles: [0.05, 0.5, 0.95] }, 1000), undefined);
    assert.equal(one(WIDE, Number.NaN), undefined);
    assert.deepEqual(forecastQuantiles(WIDE, SOLAR, SITE, NOON, [20, 40], [1000, 1000])[1], undefined);
  });

  it('rounds to the thousandth, with no negative zero', () => {
    const q = one(
      solarIntervals(() => [-0.00001, 0.12345, 0.5]),
      0,
      NOON,
      { ...SOLAR, min: undefined },
    );
    assert.ok(q && Object.is(q.p10, 0), JSON.stringify(q));
    assert.deepEqual(q, { p10: 0, p50: 0.123, p90: 0.5 });
  });
});
