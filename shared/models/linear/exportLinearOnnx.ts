import { appendOutputLimits, unlimitedName } from '../limits/appendOutputLimits';
import { EXPORTER_INFO } from '../gbdt/EXPORTER_INFO';
import { ExportError } from '../gbdt/ExportError';
import type { ModelMeta } from '../gbdt/ModelMeta';
import { writeModelMeta } from '../gbdt/writeModelMeta';
import { OnnxModelBuilder } from '../onnx/OnnxModelBuilder';
import type { LinearModel } from './LinearModel';

/**
 * Writes one ONNX file for a set of leads with standard operators only: forecast = (features - center) · W + b with
 * W [F, L] (column l holds `perLead[l].weights`) and b [L]. Input `features` float32 [N, F], output
 * `forecast` float32 [N, L], the same as predictLinearMulti computes.
 */
export function exportLinearOnnx(perLead: readonly LinearModel[], meta: ModelMeta): Uint8Array {
  if (perLead.length === 0) throw new ExportError('NO_LEADS', `model "${meta.modelId}": no per-lead models`);
  const features = meta.featureNames.length;
  const leads = perLead.length;
  const W = new Float32Array(features * leads);
  const b = new Float32Array(leads);
  // One centre for all leads: every lead's model is trained on the same rows, so they share the training means.
  const center = Float32Array.from(perLead[0]?.center ?? new Array<number>(features).fill(0));
  perLead.forEach((model, lead) => {
    const other = model.center ?? new Array<number>(features).fill(0);
    if (other.length !== features || other.some((v, f) => Math.fround(v) !== center[f])) {
      throw new ExportError(
        'INVALID_MODEL',
        `lead ${lead}: its centre differs from lead 0's; all leads must be trained on the same rows`,
      );
    }
  });
  perLead.forEach((model, lead) => {
    if (model.weights.length !== features) {
      throw new ExportError(
        'FEATURE_COUNT_MISMATCH',
        `lead ${lead}: model has ${model.weights.length} weights, meta names ${features} features`,
      );
    }
    model.weights.forEach((w, f) => {
      // Math.fround turns weights beyond float32 range into Infinity, which would poison every forecast.
      if (!Number.isFinite(Math.fround(w))) {
        throw new ExportError('INVALID_MODEL', `lead ${lead}: weight ${f} (${w}) is not a finite float32`);
      }
      W[f * leads + lead] = w;
    });
    if (!Number.isFinite(Math.fround(model.bias))) {
      throw new ExportError('INVALID_MODEL', `lead ${lead}: bias ${model.bias} is not a finite float32`);
    }
    b[lead] = model.bias;
  });

  const builder = new OnnxModelBuilder({
    opsetVersion: EXPORTER_INFO.opset['ai.onnx'],
    mlOpsetVersion: undefined,
    producerName: EXPORTER_INFO.name,
    producerVersion: EXPORTER_INFO.version,
    docString: `Linear model for leads ${meta.leadsMinutes.join(', ')} min`,
  });
  writeModelMeta(builder, meta, { kind: 'linear', leadCount: leads });
  const raw = unlimitedName(meta.limits, 'forecast', meta.scale);
  builder
    .input('features', 'float', ['N', features])
    .floatInitializer('center', [features], center)
    .floatInitializer('W', [features, leads], W)
    .floatInitializer('b', [leads], b)
    .node('Sub', ['features', 'center'], ['centred'], {}, { name: 'centre' })
    .node('MatMul', ['centred', 'W'], ['xw'], {}, { name: 'weights' })
    .node('Add', ['xw', 'b'], [raw], {}, { name: 'bias' });
  const wiring = { features: 'features', raw, output: 'forecast', featureNames: meta.featureNames, leads };
  appendOutputLimits(builder, wiring, meta.limits, meta.scale);
  return builder.output('forecast', 'float', ['N', leads]).toBytes();
}
