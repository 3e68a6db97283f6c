import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { predictGbdt } from '../../../../shared/models/gbdt/predictGbdt';
import { trainGbdt } from '../../../../shared/models/gbdt/trainGbdt';
import { TrainingError } from '../../../../shared/models/gbdt/TrainingError';
import type { GbdtOptions } from '../../../../shared/models/gbdt/GbdtOptions';
import type { GbdtModel } from '../../../../shared/models/gbdt/GbdtModel';
import { rmse } from '../../../../shared/models/metrics/rmse';
import { syntheticData, variance } from './syntheticData';

function leafCount(model: GbdtModel): number {
  return model.trees.reduce((n, t) => n + t.left.filter((l) => l === -1).length, 0);
}

function usedFeatures(model: GbdtModel): Set<number> {
  return new Set(model.trees.flatMap((t) => t.feature.filter((f) => f >= 0)));
}

describe('trainGbdt: learning', () => {
  const train = syntheticData(4000, 6, 1);
  const test = syntheticData(1000, 6, 2);

  it('fits a nonlinear function far below the variance of y on held-out rows', () => {
    const model = trainGbdt(train.X, train.y, train.rows, train.cols);
    const error = rmse(predictGbdt(model, test.X, test.rows), test.y);
    assert.equal(error.count, test.rows);
    // Noise alone is RMSE 0.1; predicting the mean would be sqrt(variance) ≈ 2.3.
    assert.ok(error.value ** 2 < 0.03 * variance(test.y), `test RMSE ${error.value}, variance ${variance(test.y)}`);
    assert.equal(model.trees.length, 200);
    assert.equal(model.featureCount, 6);
  });

  it('splits only on the features that matter most', () => {
    const model = trainGbdt(train.X, train.y, train.rows, train.cols, { nEstimators: 20 });
    const roots = new Set(model.trees.map((t) => t.feature[0]));
    assert.ok(
      [...roots].every((f) => f === 0 || f === 1),
      `root features ${[...roots]}`,
    );
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const options: Partial<GbdtOptions> = { nEstimators: 30, subsample: 0.5, colsampleByTree: 0.5 };
    const a = trainGbdt(train.X, train.y, train.rows, train.cols, { ...options, seed: 3 });
    const b = trainGbdt(train.X, train.y, train.rows, train.cols, { ...options, seed: 3 });
    const c = trainGbdt(train.X, train.y, train.rows, train.cols, { ...options, seed: 4 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('survives a JSON round trip with identical predictions', () => {
    const model = trainGbdt(train.X, train.y, train.rows, train.cols, { nEstimators: 25 });
    const copy = JSON.parse(JSON.stringify(model)) as GbdtModel;
    assert.deepEqual(copy, model);
    assert.deepEqual(predictGbdt(copy, test.X, test.rows), predictGbdt(model, test.X, test.rows));
  });

  it('writes float32 thresholds and leaves, and respects maxDepth and minSamplesLeaf', () => {
    const model = trainGbdt(train.X, train.y, train.rows, train.cols, {
      nEstimators: 20,
      maxDepth: 3,
      minSamplesLeaf: 50,
      subsample: 1,
    });
    for (const tree of model.trees) {
      assert.ok(tree.feature.length <= 15, `a depth-3 tree has at most 15 nodes, got ${tree.feature.length}`);
      for (const v of [...tree.threshold, ...tree.value]) assert.equal(Math.fround(v), v);
    }
    // Every leaf must hold >= 50 rows: count the training rows reaching each leaf of the first tree.
    const counts = new Map<number, number>();
    const first = model.trees[0];
    assert.ok(first !== undefined);
    for (let r = 0; r < train.rows; r++) {
      let node = 0;
      while ((first.left[node] as number) >= 0) {
        const x = train.X[r * train.cols + (first.feature[node] as number)] as number;
        node = x <= (first.threshold[node] as number) ? (first.left[node] as number) : (first.right[node] as number);
      }
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    assert.ok(
      [...counts.values()].every((n) => n >= 50),
      `leaf sizes ${[...counts.values()]}`,
    );
  });

  it('learns with column subsampling', () => {
    const model = trainGbdt(train.X, train.y, train.rows, train.cols, { colsampleByTree: 0.5 });
    const error = rmse(predictGbdt(model, test.X, test.rows), test.y).value;
    assert.ok(error < 0.6, `test RMSE ${error}`);
  });
});

describe('trainGbdt: early stopping', () => {
  const train = syntheticData(2000, 4, 5);
  const valid = syntheticData(500, 4, 6);

  it('stops before nEstimators and keeps the best prefix', () => {
    const validation = { X: valid.X, y: valid.y, rows: valid.rows };
    const options = { nEstimators: 3000, learningRate: 0.3, earlyStoppingRounds: 10 };
    const stopped = trainGbdt(train.X, train.y, train.rows, train.cols, { ...options, validation });
    assert.ok(stopped.trees.length > 10 && stopped.trees.length < 3000, `kept ${stopped.trees.length} trees`);
    // The kept prefix is the best one: any longer prefix of the same run scores no better on the validation set.
    const longer = trainGbdt(train.X, train.y, train.rows, train.cols, {
      ...options,
      nEstimators: stopped.trees.length + 10,
    });
    assert.deepEqual(longer.trees.slice(0, stopped.trees.length), stopped.trees);
    const best = rmse(predictGbdt(stopped, valid.X, valid.rows), valid.y).value;
    const more = rmse(predictGbdt(longer, valid.X, valid.rows), valid.y).value;
    assert.ok(best <= more, `best ${best} vs longer ${more}`);
  });

  it('keeps no trees when no tree helps the validation set', () => {
    const noise = syntheticData(500, 3, 8);
    const randomTarget = syntheticData(500, 3, 9).y;
    const model = trainGbdt(noise.X, randomTarget, noise.rows, noise.cols, {
      learningRate: 1,
      minSamplesLeaf: 1,
      maxDepth: 8,
      earlyStoppingRounds: 5,
      validation: { X: valid.X.subarray(0, 300 * 3), y: syntheticData(300, 3, 10).y, rows: 300 },
    });
    // Overfitting pure noise at learning rate 1 only hurts, so the best prefix is short (often empty).
    assert.ok(model.trees.length <= 2, `kept ${model.trees.length} trees`);
  });
});

describe('trainGbdt: bad input', () => {
  const good = syntheticData(50, 4, 11);
  const withValue = (array: Float32Array, index: number, value: number): Float32Array => {
    const copy = array.slice();
    copy[index] = value;
    return copy;
  };
  const cases: { name: string; run: () => unknown; code: string; message: RegExp }[] = [
    {
      name: 'NaN in X names row and column',
      run: () => trainGbdt(withValue(good.X, 3 * 4 + 2, Number.NaN), good.y, 50, 4),
      code: 'NON_FINITE_VALUE',
      message: /training: X has NaN at row 3, column 2/,
    },
    {
      name: 'Infinity in X',
      run: () => trainGbdt(withValue(good.X, 49 * 4 + 3, Infinity), good.y, 50, 4),
      code: 'NON_FINITE_VALUE',
      message: /X has Infinity at row 49, column 3/,
    },
    {
      name: '-Infinity in y names the row',
      run: () => trainGbdt(good.X, withValue(good.y, 7, -Infinity), 50, 4),
      code: 'NON_FINITE_VALUE',
      message: /training: y has -Infinity at row 7/,
    },
    {
      name: 'NaN in the validation set',
      run: () =>
        trainGbdt(good.X, good.y, 50, 4, {
          validation: { X: withValue(good.X, 5, Number.NaN), y: good.y, rows: 50 },
        }),
      code: 'NON_FINITE_VALUE',
      message: /validation: X has NaN at row 1, column 1/,
    },
    {
      name: 'X too short',
      run: () => trainGbdt(good.X, good.y, 51, 4),
      code: 'INVALID_SHAPE',
      message: /X has 200 values/,
    },
    {
      name: 'y too short',
      run: () => trainGbdt(good.X, good.y.subarray(1), 50, 4),
      code: 'INVALID_SHAPE',
      message: /y has 49/,
    },
    {
      name: 'zero rows',
      run: () => trainGbdt(new Float32Array(0), new Float32Array(0), 0, 4),
      code: 'INVALID_SHAPE',
      message: /rows/,
    },
    {
      name: 'learningRate 0',
      run: () => trainGbdt(good.X, good.y, 50, 4, { learningRate: 0 }),
      code: 'INVALID_OPTION',
      message: /learningRate/,
    },
    {
      name: 'maxBins 300',
      run: () => trainGbdt(good.X, good.y, 50, 4, { maxBins: 300 }),
      code: 'INVALID_OPTION',
      message: /maxBins.*300/,
    },
    {
      name: 'subsample 1.5',
      run: () => trainGbdt(good.X, good.y, 50, 4, { subsample: 1.5 }),
      code: 'INVALID_OPTION',
      message: /subsample/,
    },
    {
      name: 'nEstimators 2.5',
      run: () => trainGbdt(good.X, good.y, 50, 4, { nEstimators: 2.5 }),
      code: 'INVALID_OPTION',
      message: /nEstimators/,
    },
    {
      name: 'negative lambda',
      run: () => trainGbdt(good.X, good.y, 50, 4, { lambda: -1 }),
      code: 'INVALID_OPTION',
      message: /lambda/,
    },
    {
      name: 'prediction width mismatch',
      run: () => predictGbdt(trainGbdt(good.X, good.y, 50, 4, { nEstimators: 1 }), good.X, 40),
      code: 'INVALID_SHAPE',
      message: /prediction: X has 200 values, expected rows × cols = 40 × 4/,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      assert.throws(c.run, (error: unknown) => {
        assert.ok(error instanceof TrainingError, `not a TrainingError: ${String(error)}`);
        assert.equal(error.code, c.code);
        assert.match(error.message, c.message);
        return true;
      });
    });
  }
});

describe('trainGbdt: edge cases', () => {
  const base = syntheticData(200, 3, 12);
  const constantColumn = base.X.slice();
  for (let r = 0; r < 200; r++) constantColumn[r * 3 + 1] = 0.25;
  const cases: {
    name: string;
    X: Float32Array;
    y: Float32Array;
    rows: number;
    cols: number;
    options?: Partial<GbdtOptions>;
    check: (model: GbdtModel, predictions: Float32Array) => void;
  }[] = [
    {
      name: 'constant y: predicts the constant with single-leaf trees',
      X: base.X,
      y: new Float32Array(200).fill(4.2),
      rows: 200,
      cols: 3,
      check: (model, p) => {
        assert.equal(model.baseScore, Math.fround(4.2));
        assert.equal(leafCount(model), model.trees.length);
        assert.ok(p.every((v) => v === Math.fround(4.2)));
      },
    },
    {
      name: 'a single row: predicts its target',
      X: Float32Array.of(1, 2, 3),
      y: Float32Array.of(-7.5),
      rows: 1,
      cols: 3,
      check: (model, p) => {
        assert.equal(model.baseScore, -7.5);
        assert.equal(p[0], -7.5);
      },
    },
    {
      name: 'fewer rows than two leaves need: no splits',
      X: base.X.subarray(0, 15 * 3),
      y: base.y.subarray(0, 15),
      rows: 15,
      cols: 3,
      check: (model) => assert.equal(leafCount(model), model.trees.length),
    },
    {
      name: 'a constant feature is never split on',
      X: constantColumn,
      y: base.y,
      rows: 200,
      cols: 3,
      check: (model) => assert.ok(!usedFeatures(model).has(1)),
    },
    {
      name: 'all rows identical: no splits, predicts the mean',
      X: new Float32Array(60).fill(1),
      y: Float32Array.from({ length: 30 }, (_, i) => i),
      rows: 30,
      cols: 2,
      options: { minSamplesLeaf: 1, subsample: 1 },
      check: (model, p) => {
        assert.equal(leafCount(model), model.trees.length);
        assert.ok(
          p.every((v) => Math.abs(v - 14.5) < 1e-4),
          `predictions ${p[0]}`,
        );
      },
    },
    {
      name: 'a single feature with two values and maxBins 2',
      X: Float32Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? -1 : 1)),
      y: Float32Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 0 : 10)),
      rows: 100,
      cols: 1,
      options: { maxBins: 2, subsample: 1, learningRate: 1, lambda: 0, nEstimators: 1 },
      check: (model, p) => {
        assert.equal(model.trees[0]?.threshold[0], 0);
        assert.deepEqual([p[0], p[1]], [0, 10]);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const model = trainGbdt(c.X, c.y, c.rows, c.cols, { nEstimators: 20, ...c.options });
      c.check(model, predictGbdt(model, c.X, c.rows));
    });
  }
});
