import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  conformalIntervals,
  conformalQuantile,
  conformalRank,
  DEFAULT_CONFORMAL_OPTIONS,
} from '../../../shared/training/conformalIntervals';
import { elevationBand, elevationEdgesFor, SOLAR_ELEVATION_EDGES } from '../../../shared/features/elevationBand';
import { seededRandom } from '../../../shared/models/gbdt/seededRandom';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('conformalRank: the finite-sample correction', () => {
  const table: [n: number, q: number, rank: number][] = [
    [100, 0.9, 91], // ceil(101 * 0.9) = ceil(90.9): one above the plain empirical 90th
    [100, 0.5, 51],
    [100, 0.1, 10], // the mirror: floor(101 * 0.1), one below the plain 11th of ceil
    [99, 0.9, 90], // (n + 1) q an integer, despite 100 * 0.9 rounding in floating point
    [99, 0.1, 10],
    [9, 0.9, 9], // the smallest n with a guarantee at both ends
    [9, 0.1, 1],
    [5, 0.9, 5], // too few: clamped to the sample's extremes
    [5, 0.1, 1],
    [1, 0.5, 1],
  ];
  for (const [n, q, rank] of table) it(`n ${n}, q ${q}: rank ${rank}`, () => assert.equal(conformalRank(n, q), rank));

  it('takes that order statistic of ascending residuals', () => {
    const sorted = range(1, 100);
    assert.deepEqual(
      [0.1, 0.5, 0.9].map((q) => conformalQuantile(sorted, q)),
      [10, 51, 91],
    );
    assert.ok(Number.isNaN(conformalQuantile([], 0.5)));
  });
});

describe('conformalIntervals', () => {
  it('one band (a target that is not solar): residuals 1..100 give offsets 10, 51 and 91', () => {
    const residuals = range(1, 100).reverse();
    const intervals = conformalIntervals([{ residuals, bands: residuals.map(() => 0) }], []);
    assert.deepEqual(intervals, {
      quantiles: [0.1, 0.5, 0.9],
      bands: [],
      offsets: [[[10, 51, 91]]],
      n: [[100]],
      minBandRows: 30,
    });
  });

  it("per lead and band; a band with fewer than minBandRows residuals takes its lead's residuals of every band", () => {
    // Lead 0: band 1 holds -40..-1 (40 rows, its own quantiles), band 2 holds 100..104 (5 rows: pooled), band 0 none.
    const low = range(-40, -1);
    const high = range(100, 104);
    const residuals = [...high, ...low];
    const bands = [...high.map(() => 2), ...low.map(() => 1)];
    // Lead 1: every residual in band 2, 30 of them (exactly minBandRows: its own).
    const lead1 = range(1, 30);
    const intervals = conformalIntervals(
      [
        { residuals, bands },
        { residuals: lead1, bands: lead1.map(() => 2) },
      ],
      [0, 10],
    );
    assert.ok(intervals);
    const pooled = [...residuals].sort((a, b) => a - b);
    const pooledOffsets = [0.1, 0.5, 0.9].map((q) => conformalQuantile(pooled, q));
    assert.deepEqual(pooledOffsets, [-37, -18, 101]); // ranks 4, 23 and 42 of 45
    assert.deepEqual(intervals.offsets[0], [pooledOffsets, [-37, -20, -4], pooledOffsets]);
    assert.deepEqual(intervals.n, [
      [0, 40, 5],
      [0, 0, 30],
    ]);
    assert.deepEqual(intervals.offsets[1], [
      [3, 16, 28],
      [3, 16, 28],
      [3, 16, 28],
    ]);
  });

  it('leaves out residuals that are not numbers; no intervals when a lead has none', () => {
    const one = conformalIntervals([{ residuals: [Number.NaN, 1, 2, 3], bands: [0, 0, 0, 0] }], []);
    assert.deepEqual(one?.n, [[3]]);
    assert.equal(conformalIntervals([{ residuals: [Number.NaN], bands: [0] }], []), undefined);
    assert.throws(
      () => conformalIntervals([{ residuals: [1], bands: [3] }], [0]),
      /band 3 of residual 0 is outside 0\.\.1/,
    );
  });

  it('covers at least 80 % of new residuals from the same distribution, in every band', () => {
    const random = seededRandom(11);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // Band 1's errors are five times band 0's: one pooled interval would be too wide in one and too narrow in the other.
    const draw = (n: number): { residuals: number[]; bands: number[] } => {
      const bands = Array.from({ length: n }, () => (random() < 0.5 ? 0 : 1));
      return { residuals: bands.map((b) => normal() * (b === 0 ? 1 : 5)), bands };
    };
    const intervals = conformalIntervals([draw(2000)], [0]);
    const test = draw(20_000);
    for (const band of [0, 1]) {
      const [p10, , p90] = intervals?.offsets[0]?.[band] ?? [];
      const inBand = test.residuals.filter((_, i) => test.bands[i] === band);
      const inside = inBand.filter((r) => (p10 as number) <= r && r <= (p90 as number)).length / inBand.length;
      assert.ok(inside > 0.76 && inside < 0.86, `band ${band}: coverage ${inside}`);
    }
  });

  it('defaults: the three quantiles of a forecast, 30 rows a band', () => {
    assert.deepEqual(DEFAULT_CONFORMAL_OPTIONS, { quantiles: [0.1, 0.5, 0.9], minBandRows: 30 });
  });
});

describe('elevationBand', () => {
  it('night at or below 0 degrees, then (0, 10], (10, 25], (25, 45] and above 45', () => {
    const edges = SOLAR_ELEVATION_EDGES;
    assert.deepEqual(
      [-30, 0, 0.01, 10, 10.5, 25, 44, 45, 46, 90].map((e) => elevationBand(edges, e)),
      [0, 0, 1, 1, 2, 2, 3, 3, 4, 4],
    );
    assert.equal(elevationBand([], 50), 0);
  });

  it('a solar target is banded, any other has one band', () => {
    assert.deepEqual(elevationEdgesFor({ source: 's', field: 'f', unit: '', solar: true }), [0, 10, 25, 45]);
    assert.deepEqual(elevationEdgesFor({ source: 's', field: 'f', unit: '', solar: false }), []);
  });
});
