/** The stored times of one observation, epoch milliseconds: what its effective availableAt is derived from. */
export interface AvailabilityInput {
  observedAt: number;
  /** The availableAt the record carries; NaN (or missing) when it has none usable. */
  availableAt: number;
  /** The provider's publication time, when it gave one. */
  publishedAt?: number;
  /** Stored by a backfill that could not know when the value became available (see Observation.backfilled). */
  backfilled?: boolean;
}
