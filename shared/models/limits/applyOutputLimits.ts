import { limitColumns, scaleColumns } from './limitColumns';
import { hasOutputLimits, type LimitCounts, type OutputLimits } from './OutputLimits';
import type { OutputScale } from './OutputScale';

/**
 * The limits of appendOutputLimits in JavaScript, in place on `forecasts` [rows, leads] (row-major) computed from
 * `features` [rows, featureNames.length], in float32 like the graph. Returns what it changed, so a report can say how
 * often the model left the physical range.
 */
export function applyOutputLimits(
  forecasts: Float32Array,
  features: Float32Array,
  featureNames: readonly string[],
  leads: number,
  limits: OutputLimits | undefined,
): LimitCounts {
  const counts: LimitCounts = { forecasts: forecasts.length, belowMin: 0, aboveMax: 0, night: 0 };
  if (!hasOutputLimits(limits)) return counts;
  const columns = limitColumns(limits, featureNames, leads);
  const width = featureNames.length;
  const min = limits.min === undefined ? undefined : Math.fround(limits.min);
  const max = limits.max === undefined ? undefined : Math.fround(limits.max);
  for (let i = 0; i < forecasts.length; i++) {
    const row = Math.floor(i / leads);
    const lead = i % leads;
    let v = forecasts[i] as number;
    if (min !== undefined && v < min) {
      v = min;
      counts.belowMin++;
    }
    if (max !== undefined && v > max) {
      v = max;
      counts.aboveMax++;
    }
    const column = columns?.[lead];
    if (column !== undefined && !((features[row * width + column] as number) > 0)) {
      if (v !== 0) counts.night++;
      v = 0;
    }
    forecasts[i] = v;
  }
  return counts;
}

/** The scale stage of appendOutputLimits in JavaScript, in place: each forecast times max(its column, floor), float32. */
export function applyOutputScale(
  forecasts: Float32Array,
  features: Float32Array,
  featureNames: readonly string[],
  leads: number,
  scale: OutputScale | undefined,
): void {
  if (scale === undefined) return;
  const columns = scaleColumns(scale, featureNames, leads);
  const width = featureNames.length;
  const floor = Math.fround(scale.floor);
  for (let i = 0; i < forecasts.length; i++) {
    const row = Math.floor(i / leads);
    const column = columns[i % leads] as number;
    forecasts[i] = Math.fround((forecasts[i] as number) * Math.max(features[row * width + column] as number, floor));
  }
}
