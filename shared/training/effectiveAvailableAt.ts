import type { AvailabilityBasis } from '../features/AvailabilityBasis';
import type { AvailabilityInput } from '../features/AvailabilityInput';
import { DEFAULT_DELAY_MODEL_OPTIONS, type DelayModel, type DelayModelOptions } from '../features/DelayModel';
import { isLiveRecord } from '../features/isLiveRecord';

/** An effective availableAt (epoch ms) and where it came from. */
export interface EffectiveAvailability {
  availableAt: number;
  basis: AvailabilityBasis;
}

/**
 * THE rule for when a stored observation counts as available, in training and backtests:
 * - stored by a live ingestion: its recorded availableAt;
 * - backfilled with publishedAt: publishedAt + the live ingest lag (what a live ingest would have recorded);
 * - backfilled without publishedAt (or without a usable availableAt): observedAt + the conservative delay quantile.
 * A backfilled record's time is capped at its recorded availableAt, because we demonstrably had it by then; it is
 * never before observedAt.
 */
export function effectiveAvailableAt(
  record: AvailabilityInput,
  model: Pick<DelayModel, 'backfillDelayMs' | 'ingestLagMs'>,
  options: Pick<DelayModelOptions, 'maxLiveIngestLagMinutes' | 'maxLiveDelayMinutes'> = DEFAULT_DELAY_MODEL_OPTIONS,
): EffectiveAvailability {
  if (isLiveRecord(record, options)) return { availableAt: record.availableAt, basis: 'recorded' };
  const hasPublished = record.publishedAt !== undefined && Number.isFinite(record.publishedAt);
  const modelled = hasPublished
    ? Math.max(record.observedAt, (record.publishedAt as number) + model.ingestLagMs)
    : record.observedAt + model.backfillDelayMs;
  if (Number.isFinite(record.availableAt) && record.availableAt <= modelled)
    return { availableAt: record.availableAt, basis: 'recorded' };
  return { availableAt: modelled, basis: hasPublished ? 'published' : 'delay-model' };
}
