import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { exportGbdtOnnx } from '../../../../shared/models/gbdt/exportGbdtOnnx';
import { predictGbdtMulti } from '../../../../shared/models/gbdt/predictGbdtMulti';
import { trainGbdt } from '../../../../shared/models/gbdt/trainGbdt';
import { applyOutputLimits, applyOutputScale } from '../../../../shared/models/limits/applyOutputLimits';
import { toScaledTarget } from '../../../../shared/models/limits/OutputScale';
import type { OutputLimits } from '../../../../shared/models/limits/OutputLimits';
import { exportLinearOnnx } from '../../../../shared/models/linear/exportLinearOnnx';
import { ModelError } from '../../../../shared/models/ModelError';
import { OnnxModelRuntime } from '../../../../shared/models/OnnxModelRuntime';
import { describeOnnxModel } from '../../../../shared/models/onnx/describeOnnxModel';
import { buildPersistenceModel } from '../../../../shared/models/persistenceModel';

const runtime = new OnnxModelRuntime();

// Two leads; the last two columns are the clear-sky irradiance at each lead's validTime (0 = sun below the horizon).
const NAMES = ['power', 'cloud', 'cs_20', 'cs_40'];
const SOLAR: OutputLimits = { min: 0, max: 100, daylightFeatures: ['cs_20', 'cs_40'] };

async function run(bytes: Uint8Array, X: Float32Array, rows: number): Promise<number[]> {
  const model = await runtime.load(bytes);
  try {
    return Array.from(await model.predict(X, rows));
  } finally {
    await model.release();
  }
}

/** Rows [power, cloud, cs_20, cs_40]. */
const X = Float32Array.from(
  [
    [50, 0, 500, 480], // day, in range
    [-30, 0, 500, 480], // below min
    [180, 0, 500, 480], // above max
    [40, 0, 10, 0], // the sun sets between +20 and +40
    [25, 0, 0, 0], // night
  ].flat(),
);
const ROWS = 5;

describe('output limits in the ONNX graph (run in onnxruntime-node)', () => {
  it('persistence: clipped to [min, max] and zero where the sun is below the horizon at the validTime', async () => {
    const bytes = buildPersistenceModel({
      featureNames: NAMES,
      targetFeature: 'power',
      leadsMinutes: [20, 40],
      limits: SOLAR,
    });
    assert.deepEqual(await run(bytes, X, ROWS), [50, 50, 0, 0, 100, 100, 40, 0, 0, 0]);
    assert.deepEqual(JSON.parse(describeOnnxModel(bytes).metadata['output_limits'] ?? 'null'), SOLAR);
  });

  it('linear: the graph and applyOutputLimits agree, and the counts say what changed', async () => {
    // forecast(+20) = 2 * power - 20, forecast(+40) = -power + 10
    const perLead = [
      { weights: [2, 0, 0, 0], bias: -20 },
      { weights: [-1, 0, 0, 0], bias: 10 },
    ];
    const meta = {
      modelId: 'linear-t',
      kind: 'linear' as const,
      featureNames: NAMES,
      leadsMinutes: [20, 40],
      limits: SOLAR,
    };
    const onnx = await run(exportLinearOnnx(perLead, meta), X, ROWS);
    const raw = new Float32Array(ROWS * 2);
    for (let r = 0; r < ROWS; r++) {
      const p = X[r * 4] as number;
      raw[r * 2] = 2 * p - 20;
      raw[r * 2 + 1] = -p + 10;
    }
    const counts = applyOutputLimits(raw, X, NAMES, 2, SOLAR);
    assert.deepEqual(onnx, Array.from(raw));
    assert.deepEqual(onnx, [80, 0, 0, 40, 100, 0, 60, 0, 0, 0]);
    assert.deepEqual(counts, { forecasts: 10, belowMin: 5, aboveMax: 1, night: 1 });
  });

  it('gbdt: every forecast within bounds and zero at night, on random trees and rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ min: -500, max: 500, noNaN: true }), { minLength: 40 * 4, maxLength: 40 * 4 }),
        fc.array(fc.float({ min: -300, max: 300, noNaN: true }), { minLength: 40 * 2, maxLength: 40 * 2 }),
        async (features, targets) => {
          const rows = 40;
          const Xr = Float32Array.from(features.map((v, i) => (i % 4 >= 2 ? (v > 0 ? v : 0) : v)));
          const perLead = [0, 1].map((l) =>
            trainGbdt(Xr, Float32Array.from(targets.filter((_, i) => i % 2 === l)), rows, 4, {
              nEstimators: 5,
              maxDepth: 2,
              minSamplesLeaf: 2,
            }),
          );
          const meta = {
            modelId: 'gbdt-t',
            kind: 'gbdt' as const,
            featureNames: NAMES,
            leadsMinutes: [20, 40],
            limits: SOLAR,
          };
          const onnx = await run(exportGbdtOnnx(perLead, meta), Xr, rows);
          const js = predictGbdtMulti(perLead, Xr, rows);
          applyOutputLimits(js, Xr, NAMES, 2, SOLAR);
          onnx.forEach((v, i) => {
            assert.ok(v >= 0 && v <= 100, `forecast ${v} out of [0, 100]`);
            const daylight = Xr[Math.floor(i / 2) * 4 + 2 + (i % 2)] as number;
            if (!(daylight > 0)) assert.equal(v, 0, 'nonzero at night');
            assert.ok(
              Math.abs(v - (js[i] as number)) <= 1e-3 * Math.max(1, Math.abs(v)),
              `graph ${v} vs TypeScript ${js[i]}`,
            );
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a model of the clear-sky index: the graph multiplies it by max(clear sky at the validTime, floor), then limits', async () => {
    // index(+20) = 0.5, index(+40) = 0.1 * cloud (cloud is 0 in every row: index 0)
    const perLead = [
      { weights: [0, 0, 0, 0], bias: 0.5 },
      { weights: [0, 0.1, 0, 0], bias: 0 },
    ];
    const scale = { features: ['cs_20', 'cs_40'], floor: 50 };
    const meta = {
      modelId: 'linear-k',
      kind: 'linear' as const,
      featureNames: NAMES,
      leadsMinutes: [20, 40],
      limits: SOLAR,
      scale,
    };
    const onnx = await run(exportLinearOnnx(perLead, meta), X, ROWS);
    // 0.5 x 500 = 250 -> max 100; 0.5 x max(10, 50) = 25 at dawn; zero where the sun is down.
    assert.deepEqual(onnx, [100, 0, 100, 0, 100, 0, 25, 0, 0, 0]);
    const js = new Float32Array(ROWS * 2).map((_, i) => (i % 2 === 0 ? 0.5 : 0));
    applyOutputScale(js, X, NAMES, 2, scale);
    applyOutputLimits(js, X, NAMES, 2, SOLAR);
    assert.deepEqual(Array.from(js), onnx);
    assert.deepEqual(
      JSON.parse(describeOnnxModel(exportLinearOnnx(perLead, meta)).metadata['output_scale'] ?? 'null'),
      scale,
    );
    assert.equal(toScaledTarget(40, 10, scale), 0.8, 'training divides by the same floor');
  });

  it('without limits the graph is what it was: one output straight from the model', async () => {
    const bytes = buildPersistenceModel({ featureNames: NAMES, targetFeature: 'power', leadsMinutes: [20, 40] });
    assert.equal(describeOnnxModel(bytes).metadata['output_limits'], undefined);
    assert.deepEqual((await run(bytes, X, ROWS)).slice(0, 4), [50, 50, -30, -30]);
    assert.deepEqual(
      buildPersistenceModel({ featureNames: NAMES, targetFeature: 'power', leadsMinutes: [20, 40], limits: {} }),
      bytes,
    );
  });

  it('refuses limits that cannot hold, naming the value', () => {
    const build = (limits: OutputLimits) => () =>
      buildPersistenceModel({ featureNames: NAMES, targetFeature: 'power', leadsMinutes: [20, 40], limits });
    const refused = (text: RegExp) => (e: unknown) =>
      e instanceof ModelError && e.code === 'INVALID_LIMITS' && text.test(e.message);
    assert.throws(build({ min: 5, max: 5 }), refused(/min 5 must be below max 5/));
    assert.throws(build({ max: 1e40 }), refused(/max 1e\+40 is not a finite float32/));
    assert.throws(build({ daylightFeatures: ['cs_20'] }), refused(/1 daylight features for 2 leads/));
    assert.throws(build({ daylightFeatures: ['cs_20', 'cs_60'] }), refused(/"cs_60" is not among/));
  });
});
