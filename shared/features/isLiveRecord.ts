import type { AvailabilityInput } from './AvailabilityInput';
import type { DelayModelOptions } from './DelayModel';

const MINUTE_MS = 60_000;

/**
 * Whether a live ingestion stored the record, so its availableAt is the truth. With publishedAt: stored within a
 * small lag of publication. Without: stored within a plausible delay of observation (a backfill stores days-old
 * observations, so it fails this test for all but its newest records, and those get a late, safe availableAt).
 */
export function isLiveRecord(
  record: AvailabilityInput,
  options: Pick<DelayModelOptions, 'maxLiveIngestLagMinutes' | 'maxLiveDelayMinutes'>,
): boolean {
  if (!Number.isFinite(record.availableAt) || record.backfilled === true) return false;
  if (record.publishedAt !== undefined && Number.isFinite(record.publishedAt)) {
    return record.availableAt - record.publishedAt <= options.maxLiveIngestLagMinutes * MINUTE_MS;
  }
  return record.availableAt - record.observedAt <= options.maxLiveDelayMinutes * MINUTE_MS;
}
