import type { FeatureSpec } from './FeatureSpec';
import { CLEAR_SKY_AT_OBSERVATION, validateFeatureSpec } from './validateFeatureSpec';
import { fieldHistoryNames, sourceHistoryNames } from './historyFeatures';
import { calendarNames } from './calendarFeatures';

/**
 * The model's input columns, in order: per source its fields (a forecast source: each field at each lead's
 * validTime) then `<source>.age_min` (and `<source>.clearsky_obs` when the spec asks for it); then the sun at issueTime,
 * clear-sky GHI now and at each validTime, and the time of day and year. featureRow fills exactly these.
 * With the newer spec keys: a source with `history` has, after each field, its history columns (fieldHistoryNames),
 * and after its age the gap columns; `clearSkyIndex` fields add `<source>.<field>.csi` after those; `solarInputs:
 * false` drops the sun and clear-sky columns; `calendar` replaces the UTC time columns with local ones.
 */
export function featureNames(spec: FeatureSpec): string[] {
  validateFeatureSpec(spec);
  const names: string[] = [];
  for (const source of spec.sources) {
    const run = spec.forecastSources?.includes(source) === true;
    for (const field of spec.fields[source] ?? []) {
      if (run) for (const lead of spec.leadsMinutes) names.push(forecastAtLeadName(source, field, lead));
      else {
        names.push(`${source}.${field}`);
        const h = spec.history?.[source];
        if (h) names.push(...fieldHistoryNames(source, field, h));
      }
    }
    names.push(`${source}.age_min`);
    const h = run ? undefined : spec.history?.[source];
    if (h) names.push(...sourceHistoryNames(source, h));
    if (spec.clearSkyAtObservation?.includes(source)) names.push(`${source}.${CLEAR_SKY_AT_OBSERVATION}`);
    for (const field of spec.clearSkyIndex?.[source] ?? []) names.push(clearSkyIndexName(source, field));
  }
  if (spec.solarInputs !== false) {
    names.push('sun.elevation', 'sun.azimuth_sin', 'sun.azimuth_cos', 'clearsky.ghi_now');
    for (const lead of spec.leadsMinutes) names.push(clearSkyAtLeadName(lead));
  }
  if (spec.calendar) names.push(...calendarNames(spec.calendar));
  else names.push('time.hour_sin', 'time.hour_cos', 'time.doy_sin', 'time.doy_cos');
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

/** The clear-sky index of a field at its newest observation's own observedAt. */
export function clearSkyIndexName(source: string, field: string): string {
  return `${source}.${field}.csi`;
}
