/**
 * What a model reads: which sources (in this fixed order) with which fields, which leads it forecasts, and where
 * the site is (for the sun). A spec with no sources is a baseline that needs no provider at all.
 */
export interface FeatureSpec {
  /** Source ids, in column order. */
  sources: readonly string[];
  /** Fields read per source, in column order; every source in `sources` has an entry. */
  fields: Readonly<Record<string, readonly string[]>>;
  /** Lead times in minutes (all > 0): one clear-sky feature and one target per lead. */
  leadsMinutes: readonly number[];
  /** Site latitude, degrees north. */
  latitude: number;
  /** Site longitude, degrees east. */
  longitude: number;
  /**
   * Sources whose row block ends with `<source>.clearsky_obs` too: clear-sky GHI at the observedAt of their newest
   * observation (smart persistence divides by it). Opt-in, so the trained models' columns never change.
   */
  clearSkyAtObservation?: readonly string[];
  /**
   * Sources whose records are forecast runs (kind `forecast`): their block holds each field at each lead's
   * validTime, `<source>.<field>@+<lead>` (interpolated between the newest available run's steps), then the run's
   * age. Absent for a spec without them, so the columns of every other model never change.
   */
  forecastSources?: readonly string[];
  /**
   * Sources whose block also carries their recent history (lastK previous values, the difference to the previous
   * one, mean/min/max over a window, and the gap features). Absent in specs of older versions: no history columns.
   */
  history?: Readonly<Record<string, HistoryInput>>;
  /** Per source, fields whose clear-sky index at the newest observation's own observedAt is a column (`.csi`). */
  clearSkyIndex?: Readonly<Record<string, readonly string[]>>;
  /** The calendar in the site's local time (hour, weekday, day of year, holidays); absent: UTC hour and day of year. */
  calendar?: CalendarInput;
  /** Sun position and clear-sky columns; absent means true (specs of older versions always had them). */
  solarInputs?: boolean;
}

/** How much of a source's recent history a row reads (observations available at issueTime only). */
export interface HistoryInput {
  /** Previous observations as columns `<source>.<field>@-1` .. `@-lastK` (the newest is `<source>.<field>`). */
  lastK: number;
  /** Mean, min, max and count over the observations in (newest observedAt - windowMinutes, newest observedAt]. */
  windowMinutes: number;
}

/** Calendar columns in the site's local time. */
export interface CalendarInput {
  /** IANA zone (or a fixed offset) of the site. */
  timeZone: string;
  /** Weekday columns (`time.dow_sin`, `time.dow_cos`): opt-in, a few weeks of training cannot learn a week. */
  weekday?: boolean;
  /** Local dates `YYYY-MM-DD` that are holidays; a `time.holiday` column when non-empty. */
  holidays?: readonly string[];
}

/** The spec keys added with history and derived inputs: a model card stores them, older cards have none. */
export type FeatureInputs = Pick<FeatureSpec, 'history' | 'clearSkyIndex' | 'calendar' | 'solarInputs'>;

/**
 * The spec of a model trained with `inputs` (undefined: a card of an older version, so none of the new columns). The
 * calendar is the site's own (spec's) when the model has one: a card serves every site in its own time zone.
 */
export function withFeatureInputs(spec: FeatureSpec, inputs: FeatureInputs | undefined): FeatureSpec {
  const calendar = inputs?.calendar ? (spec.calendar ?? inputs.calendar) : undefined;
  const base: FeatureSpec = { ...spec };
  delete base.history;
  delete base.clearSkyIndex;
  delete base.calendar;
  delete base.solarInputs;
  return { ...base, ...(inputs ?? {}), ...(calendar ? { calendar } : {}) };
}

/** The new spec keys of a spec, as a model card stores them. */
export function featureInputsOf(spec: FeatureSpec): FeatureInputs {
  const out: FeatureInputs = {};
  if (spec.history) out.history = spec.history;
  if (spec.clearSkyIndex) out.clearSkyIndex = spec.clearSkyIndex;
  if (spec.calendar) out.calendar = spec.calendar;
  if (spec.solarInputs !== undefined) out.solarInputs = spec.solarInputs;
  return out;
}
