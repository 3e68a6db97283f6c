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
}
