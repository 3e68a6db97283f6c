import { appendOutputLimits, unlimitedName } from './limits/appendOutputLimits';
import type { OutputLimits } from './limits/OutputLimits';
import { ModelError } from './ModelError';
import { OnnxModelBuilder } from './onnx/OnnxModelBuilder';
import { attr } from './onnx/attr';

/** What a persistence model forecasts from. */
export interface PersistenceModelOptions {
  /** Columns of the `features` input, in order. */
  featureNames: string[];
  /** The feature whose newest value is repeated at every lead. */
  targetFeature: string;
  /** Lead times in minutes, strictly increasing: one output column each. */
  leadsMinutes: number[];
  /** The physical limits the graph holds every forecast to; unset: none. */
  limits?: OutputLimits;
  /** Stored as metadata `model_id`; defaults to `persistence-<targetFeature>` so the bytes are reproducible. */
  modelId?: string;
}

/**
 * Builds the baseline that needs no trained weights: every lead's forecast is the target's newest value.
 * It is an ONNX file like any trained model, so prediction and the registry treat both the same way.
 * Input `features` float32 [N, F]; output `forecast` float32 [N, L].
 */
export function buildPersistenceModel(opts: PersistenceModelOptions): Uint8Array {
  const { featureNames, targetFeature, leadsMinutes } = opts;
  const targetIndex = checkFeatures(featureNames, targetFeature);
  checkLeads(leadsMinutes);
  const modelId = opts.modelId ?? `persistence-${targetFeature}`;
  const raw = unlimitedName(opts.limits, 'forecast');
  const builder = new OnnxModelBuilder({
    docString: `Persistence of ${targetFeature} at leads ${leadsMinutes.join(', ')} min`,
  })
    .input('features', 'float', ['N', featureNames.length])
    // A 1-element index (not a scalar) keeps the column as [N, 1], ready to tile.
    .int64Initializer('target_index', [1], [targetIndex])
    .int64Initializer('lead_repeats', [2], [1, leadsMinutes.length])
    .node('Gather', ['features', 'target_index'], ['target'], { axis: attr.int(1) }, { name: 'gather_target' })
    .node('Tile', ['target', 'lead_repeats'], [raw], {}, { name: 'repeat_per_lead' });
  const wiring = { features: 'features', raw, output: 'forecast', featureNames, leads: leadsMinutes.length };
  appendOutputLimits(builder, wiring, opts.limits);
  return builder
    .output('forecast', 'float', ['N', leadsMinutes.length])
    .meta('model_id', modelId)
    .meta('kind', 'persistence')
    .meta('feature_names', JSON.stringify(featureNames))
    .meta('leads_minutes', JSON.stringify(leadsMinutes))
    .meta('target_feature', targetFeature)
    .toBytes();
}

/** Checks the columns (some, none twice) and returns the target's index; shared by the baselines built here. */
export function checkFeatures(featureNames: readonly string[], targetFeature: string): number {
  if (featureNames.length === 0) throw new ModelError('NO_FEATURES', 'featureNames is empty');
  const seen = new Set<string>();
  for (const name of featureNames) {
    if (seen.has(name)) throw new ModelError('DUPLICATE_FEATURE', `feature "${name}" appears more than once`);
    seen.add(name);
  }
  const index = featureNames.indexOf(targetFeature);
  if (index < 0) {
    throw new ModelError(
      'UNKNOWN_TARGET',
      `target feature "${targetFeature}" is not among the features [${featureNames.join(', ')}]`,
    );
  }
  return index;
}

/** Checks that the leads are positive whole minutes, strictly increasing. */
export function checkLeads(leadsMinutes: readonly number[]): void {
  if (leadsMinutes.length === 0) throw new ModelError('NO_LEADS', 'leadsMinutes is empty');
  let previous = 0;
  for (const lead of leadsMinutes) {
    // A lead of 0 or less would forecast the past (design promise 1).
    if (!Number.isSafeInteger(lead) || lead <= 0) {
      throw new ModelError('INVALID_LEAD', `lead ${lead} is not a positive whole number of minutes`);
    }
    if (lead <= previous) {
      throw new ModelError('INVALID_LEAD', `leads must be strictly increasing, got ${lead} after ${previous}`);
    }
    previous = lead;
  }
}
