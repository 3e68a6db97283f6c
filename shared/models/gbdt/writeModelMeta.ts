import type { OnnxModelBuilder } from '../onnx/OnnxModelBuilder';
import { ExportError } from './ExportError';
import type { ModelMeta } from './ModelMeta';

const RESERVED_KEYS = new Set(['model_id', 'kind', 'feature_names', 'leads_minutes', 'output_limits', 'output_scale']);

/**
 * Checks `meta` against the models being exported and writes it as metadata_props. The prediction side
 * reads these keys to wire features and leads, so a file with a wrong or ambiguous entry must not exist.
 */
export function writeModelMeta(
  builder: OnnxModelBuilder,
  meta: ModelMeta,
  expected: { kind: ModelMeta['kind']; leadCount: number },
): void {
  const { modelId, kind, featureNames, leadsMinutes, extra = {} } = meta;
  if (modelId.trim() === '') throw new ExportError('INVALID_META', 'modelId is empty');
  if (kind !== expected.kind) {
    throw new ExportError(
      'INVALID_META',
      `model "${modelId}": kind is "${kind}", but this exporter writes "${expected.kind}"`,
    );
  }
  if (featureNames.length === 0) throw new ExportError('INVALID_META', `model "${modelId}": featureNames is empty`);
  const seen = new Set<string>();
  for (const name of featureNames) {
    if (name === '' || seen.has(name)) {
      throw new ExportError('INVALID_META', `model "${modelId}": feature name "${name}" is empty or appears twice`);
    }
    seen.add(name);
  }
  if (leadsMinutes.length !== expected.leadCount) {
    throw new ExportError(
      'LEAD_COUNT_MISMATCH',
      `model "${modelId}": ${expected.leadCount} per-lead models for ${leadsMinutes.length} leads ` +
        `[${leadsMinutes.join(', ')}]`,
    );
  }
  let previous = 0;
  for (const lead of leadsMinutes) {
    // A lead of 0 or less would forecast the past (design promise 1); order fixes the output columns.
    if (!Number.isSafeInteger(lead) || lead <= previous) {
      throw new ExportError(
        'INVALID_META',
        `model "${modelId}": leads must be strictly increasing positive whole minutes, got ${lead} after ${previous}`,
      );
    }
    previous = lead;
  }
  builder
    .meta('model_id', modelId)
    .meta('kind', kind)
    .meta('feature_names', JSON.stringify(featureNames))
    .meta('leads_minutes', JSON.stringify(leadsMinutes));
  for (const [key, value] of Object.entries(extra)) {
    if (RESERVED_KEYS.has(key)) {
      const message = `model "${modelId}": extra key "${key}" would overwrite the exporter's own`;
      throw new ExportError('INVALID_META', message);
    }
    builder.meta(key, value);
  }
}
