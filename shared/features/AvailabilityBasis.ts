/**
 * Where an effective availableAt came from: `recorded` (the time a live ingestion stored it, or a backfill that
 * was still earlier than the model), `published` (the provider's publishedAt plus the live ingest lag), or
 * `delay-model` (observedAt plus the source's conservative delay quantile).
 */
export type AvailabilityBasis = 'recorded' | 'published' | 'delay-model';
