import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { ModelError, type ModelErrorCode } from '../../../shared/models/ModelError';
import { OnnxModelRuntime } from '../../../shared/models/OnnxModelRuntime';
import { buildPersistenceModel, type PersistenceModelOptions } from '../../../shared/models/persistenceModel';
import { describeOnnxModel } from '../../../shared/models/onnx/describeOnnxModel';

const VALID: PersistenceModelOptions = {
  featureNames: ['site_power_kw', 'ghi'],
  targetFeature: 'site_power_kw',
  leadsMinutes: [20, 40, 60],
};

describe('buildPersistenceModel', () => {
  it('declares features [N, F] -> forecast [N, L] and its metadata', () => {
    const model = describeOnnxModel(buildPersistenceModel(VALID));
    assert.deepEqual(
      model.inputs.map((v) => [v.name, v.dims]),
      [['features', ['N', 2]]],
    );
    assert.deepEqual(
      model.outputs.map((v) => [v.name, v.dims]),
      [['forecast', ['N', 3]]],
    );
    assert.equal(model.metadata['model_id'], 'persistence-site_power_kw');
    assert.equal(model.metadata['kind'], 'persistence');
    assert.equal(model.metadata['feature_names'], '["site_power_kw","ghi"]');
    assert.equal(model.metadata['leads_minutes'], '[20,40,60]');
  });

  it('uses the given model id and builds identical bytes for identical options', () => {
    const a = buildPersistenceModel({ ...VALID, modelId: 'p-7' });
    assert.equal(describeOnnxModel(a).metadata['model_id'], 'p-7');
    assert.deepEqual(a, buildPersistenceModel({ ...VALID, modelId: 'p-7' }));
  });

  const invalid: { name: string; opts: PersistenceModelOptions; code: ModelErrorCode; message: RegExp }[] = [
    { name: 'no features', opts: { ...VALID, featureNames: [] }, code: 'NO_FEATURES', message: /featureNames is/ },
    {
      name: 'a duplicated feature',
      opts: { ...VALID, featureNames: ['site_power_kw', 'ghi', 'ghi'] },
      code: 'DUPLICATE_FEATURE',
      message: /"ghi" appears more than once/,
    },
    {
      name: 'a target that is not a feature',
      opts: { ...VALID, targetFeature: 'power' },
      code: 'UNKNOWN_TARGET',
      message: /"power" is not among the features \[site_power_kw, ghi\]/,
    },
    { name: 'no leads', opts: { ...VALID, leadsMinutes: [] }, code: 'NO_LEADS', message: /leadsMinutes is empty/ },
    { name: 'a zero lead', opts: { ...VALID, leadsMinutes: [0, 20] }, code: 'INVALID_LEAD', message: /lead 0 / },
    { name: 'a negative lead', opts: { ...VALID, leadsMinutes: [-10] }, code: 'INVALID_LEAD', message: /lead -10 / },
    { name: 'a fractional lead', opts: { ...VALID, leadsMinutes: [7.5] }, code: 'INVALID_LEAD', message: /lead 7\.5 / },
    { name: 'a NaN lead', opts: { ...VALID, leadsMinutes: [Number.NaN] }, code: 'INVALID_LEAD', message: /lead NaN / },
    {
      name: 'unordered leads',
      opts: { ...VALID, leadsMinutes: [40, 20] },
      code: 'INVALID_LEAD',
      message: /strictly increasing, got 20 after 40/,
    },
    { name: 'repeated leads', opts: { ...VALID, leadsMinutes: [20, 20] }, code: 'INVALID_LEAD', message: /20 after/ },
  ];
  for (const c of invalid) {
    it(`rejects ${c.name} with ${c.code}`, () => {
      assert.throws(
        () => buildPersistenceModel(c.opts),
        (error: unknown) => error instanceof ModelError && error.code === c.code && c.message.test(error.message),
      );
    });
  }

  it('forecasts the target column at every lead, for any features, target, leads and batch', async () => {
    const runtime = new OnnxModelRuntime();
    const scenario = fc
      .record({
        width: fc.integer({ min: 1, max: 8 }),
        leads: fc.uniqueArray(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 6 }),
        rows: fc.integer({ min: 0, max: 12 }),
      })
      .chain(({ width, leads, rows }) =>
        fc.record({
          width: fc.constant(width),
          leads: fc.constant([...leads].sort((a, b) => a - b)),
          target: fc.integer({ min: 0, max: width - 1 }),
          values: fc.array(fc.float({ noDefaultInfinity: true }), { minLength: rows * width, maxLength: rows * width }),
        }),
      );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ width, leads, target, values }) => {
        const featureNames = Array.from({ length: width }, (_, i) => `f${i}`);
        const bytes = buildPersistenceModel({ featureNames, targetFeature: `f${target}`, leadsMinutes: leads });
        const model = await runtime.load(bytes);
        try {
          const rows = values.length / width;
          const forecast = await model.predict(Float32Array.from(values), rows);
          const column = Array.from({ length: rows }, (_, r) => Math.fround(values[r * width + target] ?? 0));
          const expected = column.flatMap((value) => leads.map(() => value));
          assert.deepEqual(Array.from(forecast), expected);
        } finally {
          await model.release();
        }
      }),
      { numRuns: 40 },
    );
  });
});
