import { appendOutputLimits, unlimitedName } from '../limits/appendOutputLimits';
import { OnnxModelBuilder } from '../onnx/OnnxModelBuilder';
import { ML_DOMAIN } from '../onnx/OnnxModelOptions';
import { attr } from '../onnx/attr';
import { checkGbdtModel } from './checkGbdtModel';
import { EXPORTER_INFO } from './EXPORTER_INFO';
import { ExportError } from './ExportError';
import type { GbdtModel } from './GbdtModel';
import type { ModelMeta } from './ModelMeta';
import type { Tree } from './Tree';
import { TrainingError } from './TrainingError';
import { writeModelMeta } from './writeModelMeta';

const ZERO_LEAF: Tree = { feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0] };

/** The TreeEnsembleRegressor attributes, as parallel arrays over all nodes of all trees of all leads. */
interface EnsembleArrays {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  modes: string[];
  values: number[];
  trueIds: number[];
  falseIds: number[];
  targetTreeIds: number[];
  targetNodeIds: number[];
  targetIds: number[];
  targetWeights: number[];
}

/**
 * Writes one ONNX file for a set of leads: a single ai.onnx.ml TreeEnsembleRegressor (opset 3) with one
 * target per lead, so one session call forecasts every lead. Input `features` float32 [N, F], output
 * `forecast` float32 [N, L]; column l is `perLead[l]`'s prediction, the same as predictGbdtMulti computes.
 */
export function exportGbdtOnnx(perLead: readonly GbdtModel[], meta: ModelMeta): Uint8Array {
  if (perLead.length === 0) throw new ExportError('NO_LEADS', `model "${meta.modelId}": no per-lead models`);
  const featureCount = meta.featureNames.length;
  perLead.forEach((model, lead) => {
    try {
      checkGbdtModel(model, `lead ${lead}`);
    } catch (error) {
      if (error instanceof TrainingError) throw new ExportError('INVALID_MODEL', error.message, { cause: error });
      throw error;
    }
    if (model.featureCount !== featureCount) {
      throw new ExportError(
        'FEATURE_COUNT_MISMATCH',
        `lead ${lead}: model takes ${model.featureCount} features, meta names ${featureCount}`,
      );
    }
  });

  const a = ensembleArrays(perLead);
  const builder = new OnnxModelBuilder({
    opsetVersion: EXPORTER_INFO.opset['ai.onnx'],
    mlOpsetVersion: EXPORTER_INFO.opset['ai.onnx.ml'],
    producerName: EXPORTER_INFO.name,
    producerVersion: EXPORTER_INFO.version,
    docString: `Gradient-boosted trees for leads ${meta.leadsMinutes.join(', ')} min`,
  });
  writeModelMeta(builder, meta, { kind: 'gbdt', leadCount: perLead.length });
  const raw = unlimitedName(meta.limits, 'forecast', meta.scale);
  builder.input('features', 'float', ['N', featureCount]).node(
    'TreeEnsembleRegressor',
    ['features'],
    [raw],
    {
      nodes_treeids: attr.ints(a.treeIds),
      nodes_nodeids: attr.ints(a.nodeIds),
      nodes_featureids: attr.ints(a.featureIds),
      nodes_modes: attr.strings(a.modes),
      nodes_values: attr.floats(a.values),
      nodes_truenodeids: attr.ints(a.trueIds),
      nodes_falsenodeids: attr.ints(a.falseIds),
      target_treeids: attr.ints(a.targetTreeIds),
      target_nodeids: attr.ints(a.targetNodeIds),
      target_ids: attr.ints(a.targetIds),
      target_weights: attr.floats(a.targetWeights),
      n_targets: attr.int(perLead.length),
      aggregate_function: attr.string('SUM'),
      post_transform: attr.string('NONE'),
      base_values: attr.floats(perLead.map((m) => m.baseScore)),
    },
    { domain: ML_DOMAIN, name: 'gbdt_per_lead' },
  );
  const wiring = {
    features: 'features',
    raw,
    output: 'forecast',
    featureNames: meta.featureNames,
    leads: perLead.length,
  };
  appendOutputLimits(builder, wiring, meta.limits, meta.scale);
  return builder.output('forecast', 'float', ['N', perLead.length]).toBytes();
}

// Tree ids run across leads in order (lead 0's trees first), which keeps onnxruntime's per-target summation
// order equal to predictGbdt's. Leaf values already carry the learning rate, so they are the target weights.
function ensembleArrays(perLead: readonly GbdtModel[]): EnsembleArrays {
  const a: EnsembleArrays = {
    treeIds: [],
    nodeIds: [],
    featureIds: [],
    modes: [],
    values: [],
    trueIds: [],
    falseIds: [],
    targetTreeIds: [],
    targetNodeIds: [],
    targetIds: [],
    targetWeights: [],
  };
  let treeId = 0;
  perLead.forEach((model, lead) => {
    // onnxruntime outputs 0, not the base value, for a target no leaf votes for (and refuses an ensemble
    // without nodes), so a lead without trees (early stopping kept none) gets one zero-valued leaf.
    const trees = model.trees.length > 0 ? model.trees : [ZERO_LEAF];
    for (const tree of trees) {
      for (let node = 0; node < tree.feature.length; node++) {
        const isLeaf = (tree.left[node] as number) < 0;
        a.treeIds.push(treeId);
        a.nodeIds.push(node);
        a.featureIds.push(isLeaf ? 0 : (tree.feature[node] as number));
        a.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ');
        a.values.push(isLeaf ? 0 : (tree.threshold[node] as number));
        a.trueIds.push(isLeaf ? 0 : (tree.left[node] as number));
        a.falseIds.push(isLeaf ? 0 : (tree.right[node] as number));
        if (isLeaf) {
          a.targetTreeIds.push(treeId);
          a.targetNodeIds.push(node);
          a.targetIds.push(lead);
          a.targetWeights.push(tree.value[node] as number);
        }
      }
      treeId++;
    }
  });
  return a;
}
