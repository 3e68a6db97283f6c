import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { OnnxModelRuntime } from '../../../../shared/models/OnnxModelRuntime';
import type { LoadedModel } from '../../../../shared/models/ModelRuntime';
import { describeOnnxModel } from '../../../../shared/models/onnx/describeOnnxModel';
import { EXPORTER_INFO } from '../../../../shared/models/gbdt/EXPORTER_INFO';
import { ExportError } from '../../../../shared/models/gbdt/ExportError';
import { exportGbdtOnnx } from '../../../../shared/models/gbdt/exportGbdtOnnx';
import type { GbdtModel } from '../../../../shared/models/gbdt/GbdtModel';
import type { ModelMeta } from '../../../../shared/models/gbdt/ModelMeta';
import { predictGbdtMulti } from '../../../../shared/models/gbdt/predictGbdtMulti';
import { trainGbdt } from '../../../../shared/models/gbdt/trainGbdt';
import { nextFloat32Up } from './float32Neighbours';
import { syntheticData } from './syntheticData';

const F = 30;
const LEADS = [20, 40, 60];
const META: ModelMeta = {
  modelId: 'gbdt-parity',
  kind: 'gbdt',
  featureNames: Array.from({ length: F }, (_, i) => `f${i}`),
  leadsMinutes: LEADS,
  extra: { trained_from: '2024-01-01T00:00:00Z' },
};

/** Held-out rows plus, for splits of every lead's trees, one row exactly at the threshold and one just above. */
function parityRows(perLead: readonly GbdtModel[]): { X: Float32Array; rows: number } {
  const heldOut = syntheticData(400, F, 99);
  const values = Array.from(heldOut.X);
  let rows = heldOut.rows;
  for (const model of perLead) {
    for (const tree of model.trees.slice(0, 40)) {
      tree.feature.forEach((feature, node) => {
        if (feature < 0) return;
        const threshold = tree.threshold[node] as number;
        for (const x of [threshold, nextFloat32Up(threshold)]) {
          const row = Array.from(heldOut.X.subarray((rows % 400) * F, (rows % 400) * F + F));
          row[feature] = x;
          values.push(...row);
          rows++;
        }
      });
    }
  }
  return { X: Float32Array.from(values), rows };
}

/** The parity criterion: |a - b| <= 1e-4 · max(1, |b|) for every cell; returns the largest relative gap. */
function assertParity(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const gap = Math.abs(a - b) / Math.max(1, Math.abs(b));
    assert.ok(gap <= 1e-4, `cell ${i}: onnx ${a}, typescript ${b}`);
    worst = Math.max(worst, gap);
  }
  return worst;
}

describe('exportGbdtOnnx: parity with predictGbdtMulti in onnxruntime', () => {
  const perLead = LEADS.map((_, lead) => {
    const train = syntheticData(3000, F, 10 + lead, 0.1, lead * 0.7);
    return trainGbdt(train.X, train.y, train.rows, train.cols, { nEstimators: 120, seed: lead });
  });
  const bytes = exportGbdtOnnx(perLead, META);
  let loaded: LoadedModel;
  before(async () => {
    loaded = await new OnnxModelRuntime().load(bytes);
  });
  after(async () => {
    await loaded.release();
  });

  it('matches on held-out rows and on rows at and just above every split threshold', async () => {
    const { X, rows } = parityRows(perLead);
    assert.ok(rows > 1000, `${rows} rows`);
    const onnxForecast = await loaded.predict(X, rows);
    const expected = predictGbdtMulti(perLead, X, rows);
    assert.equal(onnxForecast.length, rows * LEADS.length);
    const worst = assertParity(onnxForecast, expected);
    // Both sum float32 leaves in the same order, so in practice they agree far inside the 1e-4 criterion.
    assert.ok(worst <= 1e-6, `largest relative gap ${worst}`);
  });

  it('writes the metadata, producer and opsets a model card needs', () => {
    assert.deepEqual(loaded.metadata, {
      model_id: 'gbdt-parity',
      kind: 'gbdt',
      feature_names: JSON.stringify(META.featureNames),
      leads_minutes: '[20,40,60]',
      trained_from: '2024-01-01T00:00:00Z',
    });
    const description = describeOnnxModel(bytes);
    assert.equal(description.producerName, 'stay-up-forecasting');
    assert.equal(description.producerVersion, EXPORTER_INFO.version);
    assert.deepEqual(description.inputs, [{ name: 'features', elemType: 1, dims: ['N', F] }]);
    assert.deepEqual(description.outputs, [{ name: 'forecast', elemType: 1, dims: ['N', 3] }]);
    const opsets = onnx.ModelProto.decode(bytes).opsetImport.map((o) => [o.domain, Number(o.version)]);
    assert.deepEqual(opsets, [
      ['', EXPORTER_INFO.opset['ai.onnx']],
      ['ai.onnx.ml', 3],
    ]);
  });

  it('is byte-for-byte reproducible', () => {
    assert.deepEqual(exportGbdtOnnx(perLead, META), bytes);
  });
});

describe('exportGbdtOnnx: leads without trees', () => {
  const stump = {
    feature: [0, -1, -1],
    threshold: [0.5, 0, 0],
    left: [1, -1, -1],
    right: [2, -1, -1],
    value: [0, -1, 1],
  };
  const cases: { name: string; models: GbdtModel[]; expected: number[] }[] = [
    {
      name: 'no lead has a tree: base scores only',
      models: [
        { baseScore: 1.5, trees: [], featureCount: 2 },
        { baseScore: -2, trees: [], featureCount: 2 },
      ],
      expected: [1.5, -2, 1.5, -2],
    },
    {
      name: 'one lead has trees, the other keeps its base score',
      models: [
        { baseScore: 1.5, trees: [stump], featureCount: 2 },
        { baseScore: -2, trees: [], featureCount: 2 },
      ],
      expected: [0.5, -2, 2.5, -2],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const meta: ModelMeta = { modelId: 'empty', kind: 'gbdt', featureNames: ['a', 'b'], leadsMinutes: [10, 20] };
      const X = Float32Array.of(0, 0, 5, 5);
      const loaded = await new OnnxModelRuntime().load(exportGbdtOnnx(c.models, meta));
      try {
        assert.deepEqual(Array.from(await loaded.predict(X, 2)), c.expected);
        assert.deepEqual(Array.from(predictGbdtMulti(c.models, X, 2)), c.expected);
      } finally {
        await loaded.release();
      }
    });
  }
});

describe('exportGbdtOnnx: refuses what it cannot write faithfully', () => {
  const stump: GbdtModel = {
    baseScore: 0,
    featureCount: 2,
    trees: [{ feature: [1, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -1, 1] }],
  };
  const meta: ModelMeta = { modelId: 'm', kind: 'gbdt', featureNames: ['a', 'b'], leadsMinutes: [20] };
  const broken = (change: (m: GbdtModel) => void): GbdtModel[] => {
    const copy = structuredClone(stump);
    change(copy);
    return [copy];
  };
  const cases: { name: string; perLead: GbdtModel[]; meta?: Partial<ModelMeta>; code: string; message: RegExp }[] = [
    { name: 'no leads', perLead: [], code: 'NO_LEADS', message: /no per-lead models/ },
    {
      name: 'more models than leads',
      perLead: [stump, stump],
      code: 'LEAD_COUNT_MISMATCH',
      message: /2 per-lead models for 1 leads/,
    },
    {
      name: 'feature count mismatch',
      perLead: [stump],
      meta: { featureNames: ['a', 'b', 'c'] },
      code: 'FEATURE_COUNT_MISMATCH',
      message: /takes 2 features, meta names 3/,
    },
    {
      name: 'wrong kind',
      perLead: [stump],
      meta: { kind: 'linear' },
      code: 'INVALID_META',
      message: /kind is "linear"/,
    },
    {
      name: 'duplicate feature names',
      perLead: [stump],
      meta: { featureNames: ['a', 'a'] },
      code: 'INVALID_META',
      message: /"a" is empty or appears twice/,
    },
    {
      name: 'empty model id',
      perLead: [stump],
      meta: { modelId: ' ' },
      code: 'INVALID_META',
      message: /modelId is empty/,
    },
    {
      name: 'a lead of 0 minutes',
      perLead: [stump],
      meta: { leadsMinutes: [0] },
      code: 'INVALID_META',
      message: /got 0/,
    },
    {
      name: 'a reserved extra key',
      perLead: [stump],
      meta: { extra: { kind: 'x' } },
      code: 'INVALID_META',
      message: /extra key "kind"/,
    },
    {
      name: 'a child pointing backwards',
      perLead: broken((m) => {
        m.trees[0]!.left[0] = 0;
      }),
      code: 'INVALID_MODEL',
      message: /node 0: children 0, 2/,
    },
    {
      name: 'a threshold that is not a float32',
      perLead: broken((m) => {
        m.trees[0]!.threshold[0] = 0.1;
      }),
      code: 'INVALID_MODEL',
      message: /threshold 0.1 is not a finite float32/,
    },
    {
      name: 'a feature out of range',
      perLead: broken((m) => {
        m.trees[0]!.feature[0] = 2;
      }),
      code: 'INVALID_MODEL',
      message: /feature 2 is not in \[0, 2\)/,
    },
    {
      name: 'a NaN leaf',
      perLead: broken((m) => {
        m.trees[0]!.value[2] = Number.NaN;
      }),
      code: 'INVALID_MODEL',
      message: /value NaN/,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => exportGbdtOnnx(c.perLead, { ...meta, ...c.meta }),
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
