import type { FeatureSpec } from './FeatureSpec';
import { FeatureSpecError } from './FeatureSpecError';
import { timeZoneOf } from '../time/timeZoneOf';
import { sourceHistoryNames } from './historyFeatures';

/** Feature groups computed from the clock and the site, never from a source: a source of that name would collide. */
const DERIVED_GROUPS = new Set(['sun', 'clearsky', 'time']);
/** The per-source feature added next to the fields; a field of that name would collide. */
const AGE_FIELD = 'age_min';
/** The per-source feature a spec may ask for: clear-sky GHI at the newest observation's observedAt. */
export const CLEAR_SKY_AT_OBSERVATION = 'clearsky_obs';

/** Throws INVALID_FEATURE_SPEC naming the bad value, so a broken spec fails before any row is built. */
export function validateFeatureSpec(spec: FeatureSpec): void {
  const fail = (message: string): never => {
    throw new FeatureSpecError('INVALID_FEATURE_SPEC', message);
  };
  // A run's specs differ per site only in place (ModelSpecs shares the rest): the rest is checked once.
  const known = validated.get(spec.fields);
  if (!known || !sameParts(known, spec)) {
    validateParts(spec, fail);
    validated.set(spec.fields, spec);
  }
  // Each site has its own calendar object; a calendar's checks (a time zone lookup) are made once per content.
  if (spec.calendar) {
    const c = spec.calendar;
    const key = `${c.timeZone}\u0000${(c.holidays ?? []).join(',')}`;
    if (!validCalendars.has(key)) {
      if (!timeZoneOf(c.timeZone)) fail(`calendar time zone "${c.timeZone}" is not a known zone`);
      for (const day of c.holidays ?? [])
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) fail(`holiday "${day}" must be a local date YYYY-MM-DD`);
      if (validCalendars.size >= MAX_VALID_CALENDARS) validCalendars.clear();
      validCalendars.add(key);
    }
  }
  if (!(spec.latitude >= -90 && spec.latitude <= 90)) fail(`latitude ${spec.latitude} is outside -90..90`);
  if (!(spec.longitude >= -180 && spec.longitude <= 180)) fail(`longitude ${spec.longitude} is outside -180..180`);
}

/** The last spec whose parts other than the place passed, by its fields (specs are not changed once made). */
const validated = new WeakMap<FeatureSpec['fields'], FeatureSpec>();
/** Calendars (time zone and holidays) that passed. */
const validCalendars = new Set<string>();
const MAX_VALID_CALENDARS = 10_000;

function sameParts(a: FeatureSpec, b: FeatureSpec): boolean {
  return (
    a.sources === b.sources &&
    a.fields === b.fields &&
    a.clearSkyAtObservation === b.clearSkyAtObservation &&
    a.forecastSources === b.forecastSources &&
    a.history === b.history &&
    a.clearSkyIndex === b.clearSkyIndex &&
    a.leadsMinutes === b.leadsMinutes
  );
}

function validateParts(spec: FeatureSpec, fail: (message: string) => never): void {
  const seen = new Set<string>();
  for (const source of spec.sources) {
    if (source.length === 0 || source.includes('.'))
      fail(`source id ${JSON.stringify(source)} must be non-empty and contain no "."`);
    if (DERIVED_GROUPS.has(source))
      fail(`source id "${source}" is reserved for derived features (${[...DERIVED_GROUPS].join(', ')})`);
    if (seen.has(source)) fail(`source "${source}" is listed twice`);
    seen.add(source);
    const fields = spec.fields[source];
    if (fields === undefined) fail(`source "${source}" has no entry in fields`);
    const seenFields = new Set<string>();
    for (const field of fields ?? []) {
      if (field.length === 0 || field.includes('.'))
        fail(`field ${JSON.stringify(field)} of "${source}" must be non-empty and contain no "."`);
      if (field === AGE_FIELD) fail(`field "${AGE_FIELD}" of "${source}" collides with the derived age feature`);
      if (field === CLEAR_SKY_AT_OBSERVATION && spec.clearSkyAtObservation?.includes(source))
        fail(`field "${field}" of "${source}" collides with the derived clear-sky feature`);
      if (seenFields.has(field)) fail(`field "${field}" of "${source}" is listed twice`);
      seenFields.add(field);
    }
  }
  for (const source of spec.clearSkyAtObservation ?? [])
    if (!seen.has(source)) fail(`clearSkyAtObservation names "${source}", which is not among the sources`);
  for (const source of spec.forecastSources ?? []) {
    if (!seen.has(source)) fail(`forecastSources names "${source}", which is not among the sources`);
    if (spec.clearSkyAtObservation?.includes(source))
      fail(`"${source}" is a forecast source: its runs have no clear-sky feature at observedAt`);
  }
  for (const [source, h] of Object.entries(spec.history ?? {})) {
    if (!seen.has(source)) fail(`history names "${source}", which is not among the sources`);
    for (const name of sourceHistoryNames(source, h))
      if (spec.fields[source]?.some((f) => `${source}.${f}` === name))
        fail(`field "${name.slice(source.length + 1)}" of "${source}" collides with a derived history feature`);
    if (spec.forecastSources?.includes(source))
      fail(`"${source}" is a forecast source: its runs have no history inputs`);
    if (!(Number.isInteger(h.lastK) && h.lastK >= 0 && h.lastK <= 48))
      fail(`history lastK ${h.lastK} of "${source}" must be a whole number in 0..48`);
    if (!(Number.isInteger(h.windowMinutes) && h.windowMinutes > 0 && h.windowMinutes <= 24 * 60))
      fail(`history windowMinutes ${h.windowMinutes} of "${source}" must be a whole number in 1..1440`);
  }
  for (const [source, fields] of Object.entries(spec.clearSkyIndex ?? {})) {
    if (!seen.has(source)) fail(`clearSkyIndex names "${source}", which is not among the sources`);
    if (spec.forecastSources?.includes(source)) fail(`"${source}" is a forecast source: no clear-sky index`);
    for (const field of fields)
      if (!spec.fields[source]?.includes(field))
        fail(`clearSkyIndex names field "${field}" of "${source}", which is not among its fields`);
  }
  if (new Set(spec.leadsMinutes).size !== spec.leadsMinutes.length)
    fail(`duplicate lead times in [${spec.leadsMinutes.join(', ')}]`);
  for (const lead of spec.leadsMinutes) {
    // validTime must lie after issueTime (promise 1), and names carry the lead as an integer.
    if (!Number.isInteger(lead) || lead <= 0) fail(`lead ${lead} must be a positive whole number of minutes`);
  }
}
