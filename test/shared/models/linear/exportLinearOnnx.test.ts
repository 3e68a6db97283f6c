import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { OnnxModelRuntime } from '../../../../shared/models/OnnxModelRuntime';
import { describeOnnxModel } from '../../../../shared/models/onnx/describeOnnxModel';
import { EXPORTER_INFO } from '../../../../shared/models/gbdt/EXPORTER_INFO';
import { ExportError } from '../../../../shared/models/gbdt/ExportError';
import type { ModelMeta } from '../../../../shared/models/gbdt/ModelMeta';
import { seededRandom } from '../../../../shared/models/gbdt/seededRandom';
import { exportLinearOnnx } from '../../../../shared/models/linear/exportLinearOnnx';
import type { LinearModel } from '../../../../shared/models/linear/LinearModel';
import { predictLinearMulti } from '../../../../shared/models/linear/predictLinearMulti';
import { trainRidge } from '../../../../shared/models/linear/trainRidge';

const runtime = new OnnxModelRuntime();

function metaFor(features: number, leads: number, extra?: Record<string, string>): ModelMeta {
  return {
    modelId: 'linear-parity',
    kind: 'linear',
    featureNames: Array.from({ length: features }, (_, i) => `f${i}`),
    leadsMinutes: Array.from({ length: leads }, (_, i) => 20 * (i + 1)),
    ...(extra === undefined ? {} : { extra }),
  };
}

/** Runs the exported file in onnxruntime and checks |a - b| <= 1e-4 · max(1, |b|) against predictLinearMulti. */
async function assertParity(perLead: LinearModel[], X: Float32Array, rows: number): Promise<void> {
  const features = perLead[0]?.weights.length ?? 0;
  const loaded = await runtime.load(exportLinearOnnx(perLead, metaFor(features, perLead.length)));
  try {
    const actual = await loaded.predict(X, rows);
    const expected = predictLinearMulti(perLead, X, rows);
    assert.equal(actual.length, rows * perLead.length);
    expected.forEach((b, i) => {
      const a = actual[i] as number;
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `cell ${i}: onnx ${a}, typescript ${b}`);
    });
  } finally {
    await loaded.release();
  }
}

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * cols }, (_, i) => (i % cols) * 10 + random() * 5 - 2.5);
}

describe('exportLinearOnnx: parity with predictLinearMulti in onnxruntime', () => {
  const F = 30;
  const trainRows = 1000;
  const X = randomMatrix(trainRows, F, 1);
  const perLead = [0, 1, 2].map((lead) => {
    const random = seededRandom(100 + lead);
    const truth = Array.from({ length: F }, () => random() * 2 - 1);
    const y = Float32Array.from(
      { length: trainRows },
      (_, r) => truth.reduce((s, w, c) => s + w * (X[r * F + c] as number), 3 * lead) + random() - 0.5,
    );
    return trainRidge(X, y, trainRows, F, { alpha: 1 });
  });

  it('matches on several hundred held-out rows for 3 leads and 30 features', async () => {
    await assertParity(perLead, randomMatrix(600, F, 2), 600);
  });

  it('writes the metadata, producer and standard operators only', async () => {
    const bytes = exportLinearOnnx(perLead, metaFor(F, 3, { code_version: 'abc123' }));
    const description = describeOnnxModel(bytes);
    assert.deepEqual(description.metadata, {
      model_id: 'linear-parity',
      kind: 'linear',
      feature_names: JSON.stringify(Array.from({ length: F }, (_, i) => `f${i}`)),
      leads_minutes: '[20,40,60]',
      code_version: 'abc123',
    });
    assert.equal(description.producerName, EXPORTER_INFO.name);
    assert.deepEqual(description.inputs, [{ name: 'features', elemType: 1, dims: ['N', F] }]);
    assert.deepEqual(description.outputs, [{ name: 'forecast', elemType: 1, dims: ['N', 3] }]);
  });

  it('puts lead l in output column l', async () => {
    const models: LinearModel[] = [
      { weights: [1, 0], bias: 0 },
      { weights: [0, 1], bias: 10 },
      { weights: [1, 1], bias: -1 },
    ];
    const loaded = await runtime.load(exportLinearOnnx(models, metaFor(2, 3)));
    assert.deepEqual(Array.from(await loaded.predict(Float32Array.of(2, 3, 5, 7), 2)), [2, 13, 4, 5, 17, 11]);
    await loaded.release();
  });

  it('property: random small linear models and ridge fits match onnxruntime', async () => {
    const settings = fc.record({
      features: fc.integer({ min: 1, max: 8 }),
      leads: fc.integer({ min: 1, max: 3 }),
      rows: fc.integer({ min: 3, max: 40 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      alpha: fc.double({ min: 0.5, max: 100, noNaN: true }),
      trained: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(settings, async (s) => {
        const random = seededRandom(s.seed);
        // Integers keep the columns well conditioned, so float32 rounding stays far below the 1e-4 criterion.
        const X = Float32Array.from({ length: s.rows * s.features }, () => Math.floor(random() * 11) - 5);
        const perLead = Array.from({ length: s.leads }, (): LinearModel => {
          if (!s.trained) {
            return { weights: Array.from({ length: s.features }, () => random() * 20 - 10), bias: random() * 100 - 50 };
          }
          const y = Float32Array.from({ length: s.rows }, () => random() * 20 - 10);
          return trainRidge(X, y, s.rows, s.features, { alpha: s.alpha });
        });
        await assertParity(perLead, X, s.rows);
      }),
      { numRuns: 60, seed: 20240603 },
    );
  });
});

describe('exportLinearOnnx: refuses what it cannot write faithfully', () => {
  const model: LinearModel = { weights: [1, 2], bias: 0 };
  const meta = metaFor(2, 1);
  const cases: { name: string; perLead: LinearModel[]; meta?: Partial<ModelMeta>; code: string; message: RegExp }[] = [
    { name: 'no leads', perLead: [], code: 'NO_LEADS', message: /no per-lead models/ },
    {
      name: 'fewer models than leads',
      perLead: [model],
      meta: { leadsMinutes: [20, 40] },
      code: 'LEAD_COUNT_MISMATCH',
      message: /1 per-lead models for 2 leads/,
    },
    {
      name: 'a width mismatch',
      perLead: [{ weights: [1], bias: 0 }],
      code: 'FEATURE_COUNT_MISMATCH',
      message: /1 weights, meta names 2/,
    },
    {
      name: 'the gbdt kind',
      perLead: [model],
      meta: { kind: 'gbdt' },
      code: 'INVALID_META',
      message: /writes "linear"/,
    },
    {
      name: 'decreasing leads',
      perLead: [model, model],
      meta: { leadsMinutes: [40, 20] },
      code: 'INVALID_META',
      message: /got 20 after 40/,
    },
    {
      name: 'a NaN weight',
      perLead: [{ weights: [1, Number.NaN], bias: 0 }],
      code: 'INVALID_MODEL',
      message: /weight 1 \(NaN\)/,
    },
    {
      name: 'a weight beyond float32',
      perLead: [{ weights: [1e39, 1], bias: 0 }],
      code: 'INVALID_MODEL',
      message: /weight 0/,
    },
    {
      name: 'an infinite bias',
      perLead: [{ weights: [1, 1], bias: Infinity }],
      code: 'INVALID_MODEL',
      message: /bias Infinity/,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => exportLinearOnnx(c.perLead, { ...meta, ...c.meta }),
        (error: unknown) => {
          assert.ok(error instanceof ExportError, `not an ExportError: ${String(error)}`);
          assert.equal(error.code, c.code);
          assert.match(error.message, c.message);
          return true;
        },
      );
    });
  }
});
