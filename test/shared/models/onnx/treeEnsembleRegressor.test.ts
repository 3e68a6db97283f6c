import { describe, it } from 'node:test';
import { OnnxModelRuntime } from '../../../../shared/models/OnnxModelRuntime';
import { OnnxModelBuilder } from '../../../../shared/models/onnx/OnnxModelBuilder';
import { ML_DOMAIN } from '../../../../shared/models/onnx/OnnxModelOptions';
import { attr } from '../../../../shared/models/onnx/attr';
import { assertClose } from './assertClose';

/*
 * Two depth-1 trees, as a gradient-boosting exporter would write them:
 *   tree 0: x0 <= 0.5 ? 1.0 : 2.0      tree 1: x1 < 10 ? 0.1 : 0.2      base value 0.5
 * The boundary rows tell BRANCH_LEQ from BRANCH_LT, so a mangled strings attribute cannot pass.
 */
function treeModel(aggregate: 'SUM' | 'AVERAGE'): Uint8Array {
  return new OnnxModelBuilder({ mlOpsetVersion: 3 })
    .input('features', 'float', ['N', 2])
    .node(
      'TreeEnsembleRegressor',
      ['features'],
      ['forecast'],
      {
        nodes_treeids: attr.ints([0, 0, 0, 1, 1, 1]),
        nodes_nodeids: attr.ints([0, 1, 2, 0, 1, 2]),
        nodes_featureids: attr.ints([0, 0, 0, 1, 0, 0]),
        nodes_modes: attr.strings(['BRANCH_LEQ', 'LEAF', 'LEAF', 'BRANCH_LT', 'LEAF', 'LEAF']),
        nodes_values: attr.floats([0.5, 0, 0, 10, 0, 0]),
        nodes_truenodeids: attr.ints([1, 0, 0, 1, 0, 0]),
        nodes_falsenodeids: attr.ints([2, 0, 0, 2, 0, 0]),
        target_treeids: attr.ints([0, 0, 1, 1]),
        target_nodeids: attr.ints([1, 2, 1, 2]),
        target_ids: attr.ints([0, 0, 0, 0]),
        target_weights: attr.floats([1, 2, 0.1, 0.2]),
        n_targets: attr.int(1),
        aggregate_function: attr.string(aggregate),
        post_transform: attr.string('NONE'),
        base_values: attr.floats([0.5]),
      },
      { domain: ML_DOMAIN },
    )
    .output('forecast', 'float', ['N', 1])
    .toBytes();
}

const ROWS: { x: [number, number]; leaves: [number, number] }[] = [
  { x: [0.5, 10], leaves: [1, 0.2] },
  { x: [0.6, 9.9], leaves: [2, 0.1] },
  { x: [-3, 100], leaves: [1, 0.2] },
  { x: [7, -7], leaves: [2, 0.1] },
];

describe('OnnxModelBuilder: TreeEnsembleRegressor (ai.onnx.ml) in onnxruntime-node', () => {
  const cases = [
    { aggregate: 'SUM' as const, combine: (a: number, b: number) => a + b + 0.5 },
    { aggregate: 'AVERAGE' as const, combine: (a: number, b: number) => (a + b) / 2 + 0.5 },
  ];
  for (const { aggregate, combine } of cases) {
    it(`computes two depth-1 trees with aggregate_function=${aggregate}`, async () => {
      const model = await new OnnxModelRuntime().load(treeModel(aggregate));
      const forecast = await model.predict(Float32Array.from(ROWS.flatMap((r) => r.x)), ROWS.length);
      assertClose(
        forecast,
        ROWS.map((r) => combine(...r.leaves)),
      );
      await model.release();
    });
  }
});
