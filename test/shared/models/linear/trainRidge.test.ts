import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../../shared/models/gbdt/seededRandom';
import { TrainingError } from '../../../../shared/models/gbdt/TrainingError';
import { predictLinear } from '../../../../shared/models/linear/predictLinear';
import { trainRidge } from '../../../../shared/models/linear/trainRidge';

const TRUE_WEIGHTS = [2, -3, 0.5, 0.001];
const TRUE_BIAS = 7;

/** Noise-free y = X·w + b with columns on very different scales, so standardisation matters. */
function linearData(rows: number, seed: number): { X: Float32Array; y: Float32Array } {
  const random = seededRandom(seed);
  const scales = [1, 10, 100, 10_000];
  const offsets = [0, -5, 1000, 50_000];
  const X = new Float32Array(rows * 4);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = TRUE_BIAS;
    for (let c = 0; c < 4; c++) {
      const x = Math.fround((offsets[c] as number) + (scales[c] as number) * random());
      X[r * 4 + c] = x;
      sum += x * (TRUE_WEIGHTS[c] as number);
    }
    y[r] = sum;
  }
  return { X, y };
}

function norm(values: readonly number[]): number {
  return Math.sqrt(values.reduce((s, v) => s + v * v, 0));
}

describe('trainRidge', () => {
  const { X, y } = linearData(500, 1);

  it('recovers known coefficients on noise-free data with a tiny alpha', () => {
    const model = trainRidge(X, y, 500, 4, { alpha: 1e-9 });
    model.weights.forEach((w, i) => {
      const expected = TRUE_WEIGHTS[i] as number;
      assert.ok(Math.abs(w - expected) <= 1e-3 * Math.abs(expected), `weight ${i}: ${w} vs ${expected}`);
    });
    // y is float32 around 1e3, so its rounding (~6e-5) bounds how well the level can be recovered.
    const error = Math.abs(predictLinear(model, Float32Array.of(0, 0, 1000, 50_000), 1)[0]! - (TRUE_BIAS + 500 + 50));
    assert.ok(error < 1e-2, `prediction error ${error}`);
  });

  it('matches the closed form for one feature: w = Sxy / (Sxx · (1 + alpha / n))', () => {
    const x = Float32Array.of(1, 2, 3, 4, 6);
    const t = Float32Array.of(2, 3, 7, 8, 11);
    const n = 5;
    const mx = 16 / 5;
    const my = 31 / 5;
    let sxx = 0;
    let sxy = 0;
    x.forEach((xi, i) => {
      sxx += (xi - mx) ** 2;
      sxy += (xi - mx) * ((t[i] as number) - my);
    });
    for (const alpha of [0, 0.5, 1, 10, 1000]) {
      const model = trainRidge(x, t, n, 1, { alpha });
      const w = sxy / (sxx * (1 + alpha / n));
      assert.ok(Math.abs((model.weights[0] as number) - w) < 1e-12, `alpha ${alpha}: ${model.weights[0]} vs ${w}`);
      // prediction = bias + w·(x - center): the same line as my + w·(x - mx).
      const intercept = model.bias - w * (model.center?.[0] ?? 0);
      assert.ok(Math.abs(intercept - (my - w * mx)) < 1e-9, `intercept ${intercept}`);
    }
  });

  it('shrinks the coefficients as alpha grows, toward the unpenalised mean', () => {
    const norms = [0.01, 10, 1000, 1e5, 1e7].map((alpha) => norm(trainRidge(X, y, 500, 4, { alpha }).weights));
    for (let i = 1; i < norms.length; i++) assert.ok((norms[i] as number) < (norms[i - 1] as number), `norms ${norms}`);
    const flat = trainRidge(X, y, 500, 4, { alpha: 1e15 });
    const yMean = y.reduce((s, v) => s + v, 0) / 500;
    assert.ok(norm(flat.weights) < 1e-8, `weights ${flat.weights}`);
    // The intercept is not penalised: it becomes the mean of y, not 0.
    assert.ok(Math.abs(flat.bias - yMean) < 1e-3, `bias ${flat.bias} vs mean ${yMean}`);
  });

  it('gives constant columns weight 0 and still fits the others', () => {
    const rows = 300;
    const data = linearData(rows, 2);
    const widened = new Float32Array(rows * 6);
    for (let r = 0; r < rows; r++) {
      widened.set(data.X.subarray(r * 4, r * 4 + 4), r * 6);
      widened[r * 6 + 4] = 3.3; // constant
      widened[r * 6 + 5] = 0; // constant zero
    }
    const model = trainRidge(widened, data.y, rows, 6, { alpha: 1e-9 });
    assert.equal(model.weights[4], 0);
    assert.equal(model.weights[5], 0);
    assert.ok(Math.abs((model.weights[0] as number) - 2) < 1e-3);
    const allConstant = trainRidge(new Float32Array(rows * 2).fill(1), data.y, rows, 2);
    assert.deepEqual(allConstant.weights, [0, 0]);
    assert.ok(Math.abs(allConstant.bias - data.y.reduce((s, v) => s + v, 0) / rows) < 1e-6);
  });

  it('splits the weight of duplicated columns when alpha > 0 and refuses them when alpha = 0', () => {
    const rows = 100;
    const dup = new Float32Array(rows * 2);
    const t = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      dup[r * 2] = r / 10;
      dup[r * 2 + 1] = r / 10;
      t[r] = 4 * (r / 10);
    }
    const model = trainRidge(dup, t, rows, 2, { alpha: 1e-6 });
    assert.ok(Math.abs((model.weights[0] as number) - 2) < 1e-3 && Math.abs((model.weights[1] as number) - 2) < 1e-3);
    assert.throws(
      () => trainRidge(dup, t, rows, 2, { alpha: 0 }),
      (e: unknown) => e instanceof TrainingError && e.code === 'SINGULAR_SYSTEM' && /use alpha > 0/.test(e.message),
    );
  });

  const bad: { name: string; run: () => unknown; code: string; message: RegExp }[] = [
    {
      name: 'a negative alpha',
      run: () => trainRidge(X, y, 500, 4, { alpha: -1 }),
      code: 'INVALID_OPTION',
      message: /alpha.*-1/,
    },
    {
      name: 'a NaN alpha',
      run: () => trainRidge(X, y, 500, 4, { alpha: Number.NaN }),
      code: 'INVALID_OPTION',
      message: /alpha/,
    },
    {
      name: 'NaN in X',
      run: () => trainRidge(Float32Array.of(1, 2, Number.NaN, 4), Float32Array.of(1, 2), 2, 2),
      code: 'NON_FINITE_VALUE',
      message: /X has NaN at row 1, column 0/,
    },
    {
      name: 'a shape mismatch',
      run: () => trainRidge(X, y, 500, 3),
      code: 'INVALID_SHAPE',
      message: /X has 2000 values/,
    },
    {
      name: 'predicting rows of the wrong width',
      run: () => predictLinear({ weights: [1, 2], bias: 0 }, Float32Array.of(1, 2, 3), 1),
      code: 'INVALID_SHAPE',
      message: /prediction: X has 3 values/,
    },
  ];
  for (const c of bad) {
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
