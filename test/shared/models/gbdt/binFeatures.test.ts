import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binFeatures } from '../../../../shared/models/gbdt/binFeatures';
import { seededRandom } from '../../../../shared/models/gbdt/seededRandom';

function column(values: number[]): Float32Array {
  return Float32Array.from(values);
}

describe('binFeatures', () => {
  const cases: { name: string; values: Float32Array; maxBins: number; edges: number[] }[] = [
    { name: 'a constant feature has no edges', values: column([2, 2, 2]), maxBins: 8, edges: [] },
    {
      name: 'few distinct values get one bin each, at midpoints',
      values: column([0, 1, 1, 1, 3]),
      maxBins: 8,
      edges: [0.5, 2],
    },
    {
      name: 'a skewed flag still gets its split',
      values: column([...new Array<number>(999).fill(0), 1]),
      maxBins: 4,
      edges: [0.5],
    },
    {
      name: 'neighbouring float32 values: the edge is the lower one, never the upper',
      values: column([1, 1.0000001192092896]),
      maxBins: 4,
      edges: [1],
    },
    { name: 'negative and positive values', values: column([-3, -1, 4]), maxBins: 3, edges: [-2, 1.5] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const bins = binFeatures(c.values, c.values.length, 1, c.maxBins);
      assert.deepEqual(Array.from(bins.edges[0] ?? []), c.edges);
    });
  }

  it('keeps at most maxBins bins of roughly equal size, with float32 edges between distinct values', () => {
    const random = seededRandom(1);
    const rows = 10_000;
    const X = Float32Array.from({ length: rows * 2 }, () => random() * 100);
    const { bins, edges } = binFeatures(X, rows, 2, 64);
    for (let f = 0; f < 2; f++) {
      const e = Array.from(edges[f] ?? []);
      assert.ok(e.length <= 63 && e.length >= 60, `${e.length} edges`);
      assert.ok(e.every((v, i) => Math.fround(v) === v && (i === 0 || v > (e[i - 1] as number))));
      const counts = new Array<number>(e.length + 1).fill(0);
      for (let r = 0; r < rows; r++) {
        const bin = bins[r * 2 + f] as number;
        counts[bin] = (counts[bin] ?? 0) + 1;
        // The bin must agree with the float32 comparison prediction uses.
        const x = X[r * 2 + f] as number;
        assert.ok((bin === 0 || x > (e[bin - 1] as number)) && (bin === e.length || x <= (e[bin] as number)));
      }
      assert.ok(Math.max(...counts) < 2.5 * (rows / 64), `largest bin ${Math.max(...counts)}`);
    }
  });
});
