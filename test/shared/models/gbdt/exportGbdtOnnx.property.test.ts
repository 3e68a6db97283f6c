import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { OnnxModelRuntime } from '../../../../shared/models/OnnxModelRuntime';
import { exportGbdtOnnx } from '../../../../shared/models/gbdt/exportGbdtOnnx';
import type { GbdtModel } from '../../../../shared/models/gbdt/GbdtModel';
import { predictGbdtMulti } from '../../../../shared/models/gbdt/predictGbdtMulti';
import { seededRandom } from '../../../../shared/models/gbdt/seededRandom';
import { trainGbdt } from '../../../../shared/models/gbdt/trainGbdt';
import type { Tree } from '../../../../shared/models/gbdt/Tree';
import { nextFloat32Up } from './float32Neighbours';

const runtime = new OnnxModelRuntime();

/** Rows to compare on: the given ones, plus each split threshold and its float32 successor in a copy of row 0. */
function withThresholdRows(
  perLead: readonly GbdtModel[],
  X: Float32Array,
  cols: number,
): { X: Float32Array; rows: number } {
  const values = Array.from(X);
  const first = Array.from(X.subarray(0, cols));
  for (const model of perLead) {
    for (const tree of model.trees) {
      tree.feature.forEach((feature, node) => {
        if (feature < 0) return;
        for (const x of [tree.threshold[node] as number, nextFloat32Up(tree.threshold[node] as number)]) {
          const row = [...first];
          row[feature] = x;
          values.push(...row);
        }
      });
    }
  }
  return { X: Float32Array.from(values), rows: values.length / cols };
}

async function assertOnnxMatches(perLead: GbdtModel[], X: Float32Array, cols: number): Promise<void> {
  const meta = {
    modelId: 'property',
    kind: 'gbdt' as const,
    featureNames: Array.from({ length: cols }, (_, i) => `f${i}`),
    leadsMinutes: perLead.map((_, i) => 10 * (i + 1)),
  };
  const loaded = await runtime.load(exportGbdtOnnx(perLead, meta));
  try {
    const rows = withThresholdRows(perLead, X, cols);
    const actual = await loaded.predict(rows.X, rows.rows);
    const expected = predictGbdtMulti(perLead, rows.X, rows.rows);
    assert.equal(actual.length, expected.length);
    expected.forEach((b, i) => {
      const a = actual[i] as number;
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `cell ${i}: onnx ${a}, typescript ${b}`);
    });
  } finally {
    await loaded.release();
  }
}

/** A random tree of float32 thresholds and leaves over `cols` features, children after parents. */
function randomTree(random: () => number, cols: number, maxDepth: number): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const grow = (depth: number): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    if (depth >= maxDepth || random() < 0.3) {
      tree.value[id] = Math.fround((random() - 0.5) * 100);
      return id;
    }
    tree.feature[id] = Math.floor(random() * cols);
    tree.threshold[id] = Math.fround((random() - 0.5) * 20);
    tree.left[id] = grow(depth + 1);
    tree.right[id] = grow(depth + 1);
    return id;
  };
  grow(0);
  return tree;
}

describe('exportGbdtOnnx: property tests against onnxruntime', () => {
  it('trained models on random small data sets match predictGbdtMulti', async () => {
    const settings = fc.record({
      rows: fc.integer({ min: 1, max: 60 }),
      cols: fc.integer({ min: 1, max: 4 }),
      leads: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      grid: fc.boolean(),
      nEstimators: fc.integer({ min: 1, max: 12 }),
      maxDepth: fc.integer({ min: 1, max: 5 }),
      minSamplesLeaf: fc.integer({ min: 1, max: 5 }),
      maxBins: fc.integer({ min: 2, max: 16 }),
      subsample: fc.double({ min: 0.3, max: 1, noNaN: true }),
      learningRate: fc.double({ min: 0.01, max: 1, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(settings, async (s) => {
        const random = seededRandom(s.seed);
        // A small grid forces ties and repeated values; the wide range exercises float32 rounding of edges.
        const draw = (): number => (s.grid ? Math.floor(random() * 7) - 3 : (random() - 0.5) * 200);
        const X = Float32Array.from({ length: s.rows * s.cols }, draw);
        const perLead = Array.from({ length: s.leads }, (_, lead) => {
          const target = (r: number): number => (X[r * s.cols] as number) * (lead + 1) + random() * 10;
          const y = Float32Array.from({ length: s.rows }, (_, r) => target(r));
          return trainGbdt(X, y, s.rows, s.cols, { ...s, seed: s.seed + lead });
        });
        await assertOnnxMatches(perLead, X, s.cols);
      }),
      { numRuns: 40, seed: 20240601 },
    );
  });

  it('hand-built random trees match predictGbdtMulti', async () => {
    const settings = fc.record({
      cols: fc.integer({ min: 1, max: 5 }),
      leads: fc.integer({ min: 1, max: 3 }),
      trees: fc.integer({ min: 0, max: 6 }),
      maxDepth: fc.integer({ min: 0, max: 6 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      baseScore: fc.float({ min: -1000, max: 1000, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(settings, async (s) => {
        const random = seededRandom(s.seed);
        const perLead: GbdtModel[] = Array.from({ length: s.leads }, () => ({
          baseScore: s.baseScore,
          featureCount: s.cols,
          trees: Array.from({ length: s.trees }, () => randomTree(random, s.cols, s.maxDepth)),
        }));
        const X = Float32Array.from({ length: 20 * s.cols }, () => Math.fround((random() - 0.5) * 24));
        await assertOnnxMatches(perLead, X, s.cols);
      }),
      { numRuns: 40, seed: 20240602 },
    );
  });
});
