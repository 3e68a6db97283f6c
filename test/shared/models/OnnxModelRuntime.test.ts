import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { ModelError, type ModelErrorCode } from '../../../shared/models/ModelError';
import type { LoadedModel } from '../../../shared/models/ModelRuntime';
import { OnnxModelRuntime } from '../../../shared/models/OnnxModelRuntime';
import { OnnxModelBuilder } from '../../../shared/models/onnx/OnnxModelBuilder';
import { buildPersistenceModel } from '../../../shared/models/persistenceModel';

const FEATURES = ['power', 'ghi', 'temp'];
const LEADS = [20, 40, 60];

function isModelError(code: ModelErrorCode, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('OnnxModelRuntime.load', () => {
  const runtime = new OnnxModelRuntime();
  const cases: { name: string; bytes: Uint8Array; code: ModelErrorCode; message: RegExp }[] = [
    {
      name: 'garbage bytes',
      bytes: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]),
      code: 'INVALID_MODEL_BYTES',
      message: /5 bytes are not an ONNX model/,
    },
    { name: 'empty bytes', bytes: new Uint8Array(0), code: 'INVALID_MODEL_BYTES', message: /without a graph/ },
    {
      name: 'text instead of a model',
      bytes: new TextEncoder().encode('{"not":"onnx"}'),
      code: 'INVALID_MODEL_BYTES',
      message: /14 bytes/,
    },
    {
      name: 'a model with two inputs',
      bytes: new OnnxModelBuilder()
        .input('a', 'float', ['N', 2])
        .input('b', 'float', ['N', 2])
        .node('Add', ['a', 'b'], ['y'])
        .output('y', 'float', ['N', 2])
        .toBytes(),
      code: 'UNSUPPORTED_MODEL',
      message: /inputs \[a, b\].*exactly one/,
    },
    {
      name: 'a model with a rank-3 input',
      bytes: new OnnxModelBuilder()
        .input('x', 'float', ['N', 2, 2])
        .node('Identity', ['x'], ['y'])
        .output('y', 'float', ['N', 2, 2])
        .toBytes(),
      code: 'UNSUPPORTED_MODEL',
      message: /rank 3/,
    },
    {
      name: 'an operator onnxruntime does not know',
      bytes: new OnnxModelBuilder()
        .meta('model_id', 'broken-op')
        .input('x', 'float', ['N', 2])
        .node('NoSuchOperator', ['x'], ['y'])
        .output('y', 'float', ['N', 2])
        .toBytes(),
      code: 'INVALID_MODEL_BYTES',
      message: /"broken-op".*NoSuchOperator/,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with ${c.code}`, async () => {
      await assert.rejects(runtime.load(c.bytes), isModelError(c.code, c.message));
    });
  }

  it('loads from a Buffer that is a view into a larger pool', async () => {
    const bytes = buildPersistenceModel({ featureNames: FEATURES, targetFeature: 'ghi', leadsMinutes: LEADS });
    const pool = Buffer.alloc(bytes.length + 64, 7);
    pool.set(bytes, 32);
    const model = await runtime.load(pool.subarray(32, 32 + bytes.length));
    assert.deepEqual(Array.from(await model.predict(Float32Array.of(1, 2, 3), 1)), [2, 2, 2]);
    await model.release();
  });
});

describe('LoadedModel.predict', () => {
  let model: LoadedModel;
  before(async () => {
    const bytes = buildPersistenceModel({
      featureNames: FEATURES,
      targetFeature: 'power',
      leadsMinutes: LEADS,
      modelId: 'p-test',
    });
    model = await new OnnxModelRuntime().load(bytes);
  });
  after(async () => {
    await model.release();
  });

  const widthCases: { name: string; values: number; rows: number; message: RegExp }[] = [
    {
      name: 'one feature too many',
      values: 8,
      rows: 2,
      message: /"p-test" expects 3 features per row \(2 rows = 6 values\), got 8 values \(4 per row\)/,
    },
    { name: 'one feature too few', values: 2, rows: 1, message: /got 2 values \(2 per row\)/ },
    { name: 'values that are not whole rows', values: 7, rows: 2, message: /got 7 values \(not a whole number/ },
    { name: 'values with zero rows', values: 3, rows: 0, message: /0 rows = 0 values\), got 3 values/ },
  ];
  for (const c of widthCases) {
    it(`names expected and actual width for ${c.name}`, async () => {
      const prediction = model.predict(new Float32Array(c.values), c.rows);
      await assert.rejects(prediction, isModelError('INPUT_WIDTH_MISMATCH', c.message));
    });
  }

  for (const rows of [-1, 1.5, Number.NaN]) {
    it(`rejects rows=${rows}`, async () => {
      const prediction = model.predict(new Float32Array(3), rows);
      await assert.rejects(prediction, isModelError('INVALID_ROWS', /non-negative integer/));
    });
  }

  it('returns an empty forecast for an empty batch', async () => {
    assert.equal((await model.predict(new Float32Array(0), 0)).length, 0);
  });

  it('predicts a batch of 10,000 rows', async () => {
    const rows = 10_000;
    const features = new Float32Array(rows * FEATURES.length);
    for (let r = 0; r < rows; r++) features.set([r * 0.5, -r, 42], r * FEATURES.length);
    const forecast = await model.predict(features, rows);
    assert.equal(forecast.length, rows * LEADS.length);
    for (let r = 0; r < rows; r++) {
      for (let l = 0; l < LEADS.length; l++) assert.equal(forecast[r * LEADS.length + l], r * 0.5);
    }
  });

  it('accepts features that are a view into a larger array', async () => {
    const backing = Float32Array.of(99, 99, 5, 6, 7, 8, 9, 10, 99);
    const forecast = await model.predict(backing.subarray(2, 8), 2);
    assert.deepEqual(Array.from(forecast), [5, 5, 5, 8, 8, 8]);
  });

  it('serves concurrent predictions from its one session', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => model.predict(Float32Array.of(i, 0, 0, i + 1, 0, 0), 2)),
    );
    results.forEach((forecast, i) => assert.deepEqual(Array.from(forecast), [i, i, i, i + 1, i + 1, i + 1]));
  });
});

describe('LoadedModel.release', () => {
  it('is idempotent and makes later predictions fail clearly', async () => {
    const opts = { featureNames: FEATURES, targetFeature: 'temp', leadsMinutes: [10], modelId: 'gone' };
    const bytes = buildPersistenceModel(opts);
    const model = await new OnnxModelRuntime().load(bytes);
    await model.release();
    await model.release();
    const prediction = model.predict(new Float32Array(3), 1);
    await assert.rejects(prediction, isModelError('MODEL_RELEASED', /"gone" was released/));
  });
});
