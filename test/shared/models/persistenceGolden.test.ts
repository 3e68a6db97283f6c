import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GoldenFile } from '../../fixtures/models/GoldenFile';
import type { LoadedModel } from '../../../shared/models/ModelRuntime';
import { OnnxModelRuntime } from '../../../shared/models/OnnxModelRuntime';
import { buildPersistenceModel } from '../../../shared/models/persistenceModel';
import { FIXTURES_DIR } from './fixturesDir';
import { goldenFloat32 } from './goldenTensor';

// Read at module load so the table below can name one test per case.
const golden = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'persistence.golden.json'), 'utf8')) as GoldenFile;

const sources: { name: string; bytes: () => Uint8Array }[] = [
  { name: 'committed fixture', bytes: () => fs.readFileSync(path.join(FIXTURES_DIR, golden.model)) },
  { name: 'freshly built model', bytes: () => buildPersistenceModel(golden.build) },
];

for (const source of sources) {
  describe(`persistence golden: ${source.name}`, () => {
    let model: LoadedModel;
    before(async () => {
      model = await new OnnxModelRuntime().load(source.bytes());
    });
    after(async () => {
      await model.release();
    });

    it('carries the metadata it was built with', () => {
      assert.equal(model.metadata['model_id'], golden.build.modelId);
      assert.equal(model.metadata['kind'], 'persistence');
      assert.deepEqual(JSON.parse(model.metadata['feature_names'] ?? 'null'), golden.build.featureNames);
      assert.deepEqual(JSON.parse(model.metadata['leads_minutes'] ?? 'null'), golden.build.leadsMinutes);
      assert.deepEqual(model.inputNames, ['features']);
      assert.deepEqual(model.outputNames, ['forecast']);
    });

    for (const c of golden.cases) {
      it(c.name, async () => {
        const [rows] = c.inputs.features.dims;
        const actual = await model.predict(goldenFloat32(c.inputs.features), rows ?? -1);
        // Persistence only copies values, so float32 results must match bit for bit (NaN included).
        assert.deepEqual(Array.from(actual), Array.from(goldenFloat32(c.outputs.forecast)));
        assert.equal(
          actual.length,
          c.outputs.forecast.dims.reduce((a, b) => a * b, 1),
        );
      });
    }
  });
}

describe('persistence golden fixture', () => {
  it('is byte for byte what the builder produces today', () => {
    const committed = fs.readFileSync(path.join(FIXTURES_DIR, golden.model));
    const fresh = buildPersistenceModel(golden.build);
    // Same bytes means no silent drift; if this fails after a deliberate change, rerun makeGolden --write.
    assert.equal(Buffer.compare(committed, fresh), 0, 'persistence.onnx differs from a fresh build');
  });
});
