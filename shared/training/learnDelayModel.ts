import type { AvailabilityInput } from '../features/AvailabilityInput';
import { DEFAULT_DELAY_MODEL_OPTIONS, type DelayModel, type DelayModelOptions } from '../features/DelayModel';
import { isLiveRecord } from '../features/isLiveRecord';
import { TrainingDataError } from './TrainingDataError';
import { upperQuantile } from './upperQuantile';

const MINUTE_MS = 60_000;

/**
 * Learns a source's delay model from its records: the empirical distribution of availableAt - observedAt over the
 * live ones (backfilled records say nothing about delays, only about when the backfill ran), and the median
 * availableAt - publishedAt over live records that carry publishedAt.
 */
export function learnDelayModel(
  source: string,
  records: Iterable<AvailabilityInput>,
  options: Partial<DelayModelOptions> = {},
): DelayModel {
  const o = { ...DEFAULT_DELAY_MODEL_OPTIONS, ...options };
  if (!(o.backfillQuantile > 0 && o.backfillQuantile <= 1)) {
    throw new TrainingDataError(
      'INVALID_OPTIONS',
      `backfillQuantile is ${o.backfillQuantile}, expected a number in (0, 1]`,
    );
  }
  const delays: number[] = [];
  const lags: number[] = [];
  for (const r of records) {
    if (!Number.isFinite(r.observedAt) || !isLiveRecord(r, o)) continue;
    // A negative delay is provider clock skew; counting it as zero keeps the quantile from going below "instant".
    delays.push(Math.max(0, r.availableAt - r.observedAt));
    if (r.publishedAt !== undefined && Number.isFinite(r.publishedAt))
      lags.push(Math.max(0, r.availableAt - r.publishedAt));
  }
  delays.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const learnDelay = delays.length >= o.minLiveRecords;
  return {
    source,
    liveRecords: delays.length,
    liveRecordsWithPublishedAt: lags.length,
    backfillDelayMs: learnDelay ? upperQuantile(delays, o.backfillQuantile) : o.defaultDelayMinutes * MINUTE_MS,
    ...(learnDelay ? { backfillQuantile: o.backfillQuantile } : {}),
    ingestLagMs: lags.length >= o.minLiveRecords ? upperQuantile(lags, 0.5) : o.defaultIngestLagMinutes * MINUTE_MS,
  };
}
