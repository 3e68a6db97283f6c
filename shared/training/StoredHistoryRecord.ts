import type { AvailabilityBasis } from '../features/AvailabilityBasis';
import type { HistoryRecord } from '../features/HistoryRecord';

/** A HistoryRecord read from storage, keeping what the effective availableAt was derived from (for audits). */
export interface StoredHistoryRecord extends HistoryRecord {
  /** The availableAt the blob carries (NaN when it has none): ingest time, which for a backfill is the backfill's. */
  recordedAvailableAt: number;
  /** When the provider says it published the value, if it says. */
  publishedAt?: number;
  /** How availableAt was derived. */
  availability: AvailabilityBasis;
}
