import type { ForecastConfig } from '../config/ForecastConfig';
import type { OutputLimits } from '../models/limits/OutputLimits';
import { clearSkyAtLeadName } from './featureNames';

/**
 * The physical limits of the configured target, for every model's graph: its `min` and `max`, and for a solar
 * target zero at night, read from the clear-sky irradiance at each validTime that every feature row carries.
 */
export function outputLimitsFor(target: ForecastConfig['target'], leadsMinutes: readonly number[]): OutputLimits {
  return {
    ...(target.min !== undefined ? { min: target.min } : {}),
    ...(target.max !== undefined ? { max: target.max } : {}),
    ...(target.solar ? { daylightFeatures: leadsMinutes.map(clearSkyAtLeadName) } : {}),
  };
}
