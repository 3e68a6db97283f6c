import { appendOutputLimits, unlimitedName } from './limits/appendOutputLimits';
import type { OutputLimits } from './limits/OutputLimits';
import { ModelError } from './ModelError';
import { checkFeatures, checkLeads } from './persistenceModel';
import { OnnxModelBuilder } from './onnx/OnnxModelBuilder';
import { attr } from './onnx/attr';

/** What a smart persistence model forecasts from: columns of the feature row, all named. */
export interface SmartPersistenceModelOptions {
  /** Columns of the `features` input, in order. */
  featureNames: string[];
  /** The target's newest value. */
  targetFeature: string;
  /** Clear-sky GHI at that value's observedAt. */
  clearSkyAtObservationFeature: string;
  /** Clear-sky GHI at each validTime, one per lead, in lead order. */
  clearSkyAtValidTimeFeatures: string[];
  /** Lead times in minutes, strictly increasing: one output column each. */
  leadsMinutes: number[];
  /** The divisor's floor (W/m²): below it the clear-sky index is damped, not measured. */
  minClearSky: number;
  /** The physical limits the graph holds every forecast to; unset: none. */
  limits?: OutputLimits;
  /** Stored as metadata `model_id`; defaults to `smart-persistence-<targetFeature>`. */
  modelId?: string;
}

/**
 * Builds smart persistence as an ONNX graph, so it serves through the same runtime as every model: per row
 * max(target, 0) / max(clear sky at its observedAt, minClearSky) (the clear-sky index), times the clear sky at each
 * validTime. The formula of shared/solar/smartPersistence, on columns featureRow fills.
 * Input `features` float32 [N, F]; output `forecast` float32 [N, L].
 */
export function buildSmartPersistenceModel(opts: SmartPersistenceModelOptions): Uint8Array {
  const { featureNames, targetFeature, leadsMinutes } = opts;
  const targetIndex = checkFeatures(featureNames, targetFeature);
  checkLeads(leadsMinutes);
  const column = (name: string): number => {
    const i = featureNames.indexOf(name);
    if (i < 0)
      throw new ModelError(
        'UNKNOWN_FEATURE',
        `feature "${name}" is not among the features [${featureNames.join(', ')}]`,
      );
    return i;
  };
  const observedIndex = column(opts.clearSkyAtObservationFeature);
  if (opts.clearSkyAtValidTimeFeatures.length !== leadsMinutes.length)
    throw new ModelError(
      'INVALID_LEAD',
      `${opts.clearSkyAtValidTimeFeatures.length} clear-sky columns for ${leadsMinutes.length} leads; expected one per lead`,
    );
  const validIndices = opts.clearSkyAtValidTimeFeatures.map(column);
  if (!(opts.minClearSky > 0))
    throw new ModelError('INVALID_PARAMETER', `minClearSky ${opts.minClearSky} must be a positive number of W/m²`);
  const modelId = opts.modelId ?? `smart-persistence-${targetFeature}`;
  const raw = unlimitedName(opts.limits, 'forecast');
  const builder = new OnnxModelBuilder({
    docString: `Smart persistence of ${targetFeature} (clear-sky index) at leads ${leadsMinutes.join(', ')} min`,
  })
    .input('features', 'float', ['N', featureNames.length])
    .int64Initializer('target_index', [1], [targetIndex])
    .int64Initializer('observed_index', [1], [observedIndex])
    .int64Initializer('valid_indices', [leadsMinutes.length], validIndices)
    .floatInitializer('min_clear_sky', [1], [opts.minClearSky])
    .node('Gather', ['features', 'target_index'], ['target'], { axis: attr.int(1) }, { name: 'gather_target' })
    .node('Relu', ['target'], ['light'], {}, { name: 'no_negative_light' })
    .node('Gather', ['features', 'observed_index'], ['clear_at_obs'], { axis: attr.int(1) }, { name: 'gather_cs_obs' })
    .node('Max', ['clear_at_obs', 'min_clear_sky'], ['divisor'], {}, { name: 'floor_low_sun' })
    .node('Div', ['light', 'divisor'], ['clear_sky_index'], {}, { name: 'clear_sky_index' })
    .node('Gather', ['features', 'valid_indices'], ['clear_at_valid'], { axis: attr.int(1) }, { name: 'gather_cs' })
    .node('Mul', ['clear_sky_index', 'clear_at_valid'], [raw], {}, { name: 'carry_forward' });
  const wiring = { features: 'features', raw, output: 'forecast', featureNames, leads: leadsMinutes.length };
  appendOutputLimits(builder, wiring, opts.limits);
  return builder
    .output('forecast', 'float', ['N', leadsMinutes.length])
    .meta('model_id', modelId)
    .meta('kind', 'smart-persistence')
    .meta('feature_names', JSON.stringify(featureNames))
    .meta('leads_minutes', JSON.stringify(leadsMinutes))
    .meta('target_feature', targetFeature)
    .meta('min_clear_sky_wm2', String(opts.minClearSky))
    .toBytes();
}
