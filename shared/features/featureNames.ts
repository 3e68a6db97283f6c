import type { FeatureSpec } from './FeatureSpec';
import { CLEAR_SKY_AT_OBSERVATION, validateFeatureSpec } from './validateFeatureSpec';

/**
 * The model's input columns, in order: per source its fields (a forecast source: each field at each lead's
 * validTime) then `<source>.age_min` (and `<source>.clearsky_obs` when the spec asks for it); then the sun at issueTime,
 * clear-sky GHI now and at each validTime, and the time of day and year. featureRow fills exactly these.
 */
export function featureNames(spec: FeatureSpec): string[] {
  validateFeatureSpec(spec);
  const names: string[] = [];
  for (const source of spec.sources) {
    const run = spec.forecastSources?.includes(source) === true;
    for (const field of spec.fields[source] ?? []) {
      if (run) for (const lead of spec.leadsMinutes) names.push(forecastAtLeadName(source, field, lead));
      else names.push(`${source}.${field}`);
    }
    names.push(`${source}.age_min`);
    if (spec.clearSkyAtObservation?.includes(source)) names.push(`${source}.${CLEAR_SKY_AT_OBSERVATION}`);
  }
  names.push('sun.elevation', 'sun.azimuth_sin', 'sun.azimuth_cos', 'clearsky.ghi_now');
  for (const lead of spec.leadsMinutes) names.push(clearSkyAtLeadName(lead));
  names.push('time.hour_sin', 'time.hour_cos', 'time.doy_sin', 'time.doy_cos');
  return names;
}

/** The column of a forecast source's field at the validTime of `lead`, from the newest available run. */
export function forecastAtLeadName(source: string, field: string, lead: number): string {
  return `${source}.${field}@+${lead}`;
}

/** The column of the clear-sky irradiance at the validTime of `lead` (zero when the sun is below the horizon then). */
export function clearSkyAtLeadName(lead: number): string {
  return `clearsky.ghi_+${lead}`;
}
