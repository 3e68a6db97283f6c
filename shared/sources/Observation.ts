/**
 * One stored observation: what a sensor provider delivered, or the features derived from one image.
 * Stored as JSON, one blob per (source, site, observedAt), so a duplicate delivery maps to the same blob.
 */
export interface Observation {
  source: string;
  site: string;
  /** Event time: when the value was measured (ISO). */
  observedAt: string;
  /** When the system could first read it: the ingest time (or, for image features, when they were computed). */
  availableAt: string;
  /** When the provider says it published the value, if it says. */
  publishedAt?: string;
  /**
   * Stored by the first read of a provider that does not say when it published (a window protocol's backfill):
   * availableAt is when that read ran, not when the value became available, so it teaches nothing about delays.
   */
  backfilled?: boolean;
  /** Values by field name. */
  values: Record<string, number>;
}
