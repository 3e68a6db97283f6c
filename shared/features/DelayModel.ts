/**
 * How late one source's observations become available, learned from its live records. Plain data, so it can be
 * written into a model card and compared between trainings.
 */
export interface DelayModel {
  /** The source it describes. */
  source: string;
  /** Live records it was learned from; below `minLiveRecords` the defaults are in use. */
  liveRecords: number;
  /** Live records that carried publishedAt (ingestLagMs is learned from these). */
  liveRecordsWithPublishedAt: number;
  /** availableAt - observedAt assumed for a backfilled record without publishedAt: the quantile below, or the default. */
  backfillDelayMs: number;
  /** The quantile of live delays backfillDelayMs is (undefined when it is the default). */
  backfillQuantile?: number;
  /** Typical availableAt - publishedAt of live records (median), or the default: what a live ingest would have added. */
  ingestLagMs: number;
}

/** How records are classified and what is assumed when nothing can be learned. */
export interface DelayModelOptions {
  /** A record stored at most this long after its publishedAt was stored by a live ingestion (minutes). */
  maxLiveIngestLagMinutes: number;
  /**
   * Without publishedAt, a record stored at most this long after observedAt counts as live (minutes); later means
   * a backfill. Generous, because a live late batch misread as backfilled would get a too-early availableAt.
   */
  maxLiveDelayMinutes: number;
  /** Quantile of live delays assumed for backfilled records without publishedAt; higher is more conservative. */
  backfillQuantile: number;
  /** Fewer live records than this and the defaults are used: a quantile of a handful of values is noise. */
  minLiveRecords: number;
  /** Delay assumed when there are too few live records (minutes); the top of the usual 20-40, to stay conservative. */
  defaultDelayMinutes: number;
  /** Ingest lag after publishedAt assumed when too few live records carry publishedAt (minutes). */
  defaultIngestLagMinutes: number;
}

export const DEFAULT_DELAY_MODEL_OPTIONS: Readonly<DelayModelOptions> = {
  maxLiveIngestLagMinutes: 15,
  maxLiveDelayMinutes: 180,
  backfillQuantile: 0.9,
  minLiveRecords: 20,
  defaultDelayMinutes: 40,
  defaultIngestLagMinutes: 5,
};
