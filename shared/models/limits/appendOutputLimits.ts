import type { OnnxModelBuilder } from '../onnx/OnnxModelBuilder';
import { attr } from '../onnx/attr';
import { limitColumns, scaleColumns } from './limitColumns';
import { hasOutputLimits, type OutputLimits } from './OutputLimits';
import type { OutputScale } from './OutputScale';

/** Where the limits sit in a graph: the features input, the unlimited forecast, and the name of the limited one. */
export interface LimitWiring {
  features: string;
  raw: string;
  output: string;
  featureNames: readonly string[];
  leads: number;
}

/** What the model's own nodes should name their forecast: `output` itself when there are no limits to add. */
export function unlimitedName(limits: OutputLimits | undefined, output: string, scale?: OutputScale): string {
  return hasOutputLimits(limits) || scale !== undefined ? `${output}_unlimited` : output;
}

/**
 * Adds the nodes that hold `raw` [N, L] to the limits and name the result `output`: Max with `min`, Min with `max`,
 * and a product with (daylight column > 0) per lead, so a solar forecast is exactly zero at night. Standard
 * operators only (opset 13+); without limits it adds nothing, and the graph is as before. Also records the limits as metadata `output_limits`.
 */
export function appendOutputLimits(
  builder: OnnxModelBuilder,
  wiring: LimitWiring,
  limits: OutputLimits | undefined,
  scale?: OutputScale,
): void {
  const { features, output, featureNames, leads } = wiring;
  let raw = wiring.raw;
  if (scale !== undefined) {
    const columns = scaleColumns(scale, featureNames, leads);
    const scaled = hasOutputLimits(limits) ? `${output}_scaled` : output;
    builder
      .int64Initializer('scale_columns', [columns.length], columns)
      .floatInitializer('scale_floor', [1], [scale.floor])
      .node('Gather', [features, 'scale_columns'], ['scale_values'], { axis: attr.int(1) }, { name: 'gather_scale' })
      .node('Max', ['scale_values', 'scale_floor'], ['scale_at_least_floor'], {}, { name: 'scale_floor' })
      .node('Mul', [raw, 'scale_at_least_floor'], [scaled], {}, { name: 'scale_back' })
      .meta('output_scale', JSON.stringify(scale));
    raw = scaled;
  }
  if (!hasOutputLimits(limits)) return;
  if (raw === output) throw new Error(`appendOutputLimits: the unlimited forecast needs a name other than "${output}"`);
  const columns = limitColumns(limits, featureNames, leads);
  let current = raw;
  if (limits.min !== undefined) {
    builder
      .floatInitializer('limit_min', [1], [limits.min])
      .node('Max', [current, 'limit_min'], ['at_least_min'], {}, { name: 'limit_min' });
    current = 'at_least_min';
  }
  if (limits.max !== undefined) {
    builder
      .floatInitializer('limit_max', [1], [limits.max])
      .node('Min', [current, 'limit_max'], ['at_most_max'], {}, { name: 'limit_max' });
    current = 'at_most_max';
  }
  if (columns !== undefined) {
    builder
      .int64Initializer('daylight_columns', [columns.length], columns)
      .floatInitializer('zero', [1], [0])
      .node(
        'Gather',
        [features, 'daylight_columns'],
        ['daylight_values'],
        { axis: attr.int(1) },
        { name: 'gather_daylight' },
      )
      .node('Greater', ['daylight_values', 'zero'], ['is_day'], {}, { name: 'sun_above_horizon' })
      .node('Cast', ['is_day'], ['day_factor'], { to: attr.int(1) }, { name: 'day_as_float' })
      .node('Mul', [current, 'day_factor'], ['day_only'], {}, { name: 'zero_at_night' });
    current = 'day_only';
  }
  builder.node('Identity', [current], [output], {}, { name: 'limited' }).meta('output_limits', JSON.stringify(limits));
}
