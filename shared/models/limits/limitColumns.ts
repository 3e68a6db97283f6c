import { ModelError } from '../ModelError';
import type { OutputLimits } from './OutputLimits';
import type { OutputScale } from './OutputScale';

/** The input columns of `limits.daylightFeatures` in `featureNames`, checked: one per lead, each present once. */
export function limitColumns(
  limits: OutputLimits,
  featureNames: readonly string[],
  leads: number,
): number[] | undefined {
  if (limits.min !== undefined && limits.max !== undefined && !(limits.min < limits.max)) {
    throw new ModelError('INVALID_LIMITS', `output limits: min ${limits.min} must be below max ${limits.max}`);
  }
  for (const [name, v] of [
    ['min', limits.min],
    ['max', limits.max],
  ] as const) {
    if (v !== undefined && !Number.isFinite(Math.fround(v))) {
      throw new ModelError('INVALID_LIMITS', `output limits: ${name} ${v} is not a finite float32`);
    }
  }
  const daylight = limits.daylightFeatures;
  if (daylight === undefined) return undefined;
  if (daylight.length !== leads) {
    throw new ModelError('INVALID_LIMITS', `output limits: ${daylight.length} daylight features for ${leads} leads`);
  }
  return daylight.map((name) => {
    const index = featureNames.indexOf(name);
    if (index < 0) {
      throw new ModelError(
        'INVALID_LIMITS',
        `output limits: daylight feature "${name}" is not among the model's inputs`,
      );
    }
    return index;
  });
}

/** The input columns of `scale.features` in `featureNames`, checked like the daylight columns; the floor positive. */
export function scaleColumns(scale: OutputScale, featureNames: readonly string[], leads: number): number[] {
  if (!(scale.floor > 0) || !Number.isFinite(Math.fround(scale.floor))) {
    throw new ModelError('INVALID_LIMITS', `output scale: floor ${scale.floor} must be a positive finite float32`);
  }
  if (scale.features.length !== leads) {
    throw new ModelError('INVALID_LIMITS', `output scale: ${scale.features.length} scale features for ${leads} leads`);
  }
  return scale.features.map((name) => {
    const index = featureNames.indexOf(name);
    if (index < 0) {
      throw new ModelError('INVALID_LIMITS', `output scale: feature "${name}" is not among the model's inputs`);
    }
    return index;
  });
}
