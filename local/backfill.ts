import { preprocessStoredImages, type StoredImagesResult } from '../shared/features/preprocessStoredImages';
import { ingestSource, type IngestResult } from '../shared/ingest/ingestSource';
import { WatermarkStore } from '../shared/ingest/WatermarkStore';
import type { Services } from '../shared/runtime/createServices';

export interface BackfillProgress {
  /** Items received so far, over all sources. */
  received: number;
  /** Items expected (one per source, site and 10 minutes of history; a forecast source's: one run per hour). */
  expected: number;
}

/** Who hears what a backfill does. */
export interface BackfillListener {
  /** Which sources will be backfilled (none on a restart), before anything is read. */
  onPlan?: (sources: string[]) => void;
  /** Items received from the providers. */
  onProgress?: (p: BackfillProgress) => void;
  /** Backfilled pictures turned into features, of those pending. */
  onFeatures?: (done: number, total: number) => void;
}

/** What a backfill stored: per source, and the image features it computed. */
export interface BackfillResult {
  ingested: IngestResult[];
  features: StoredImagesResult | undefined;
}

/**
 * Fills the history of every source that has never been ingested, `days` back, through the same ingestion code
 * the timers run, and turns the backfilled pictures into features with the blob trigger's code, so the system is
 * ready to train on every source when it returns. Sources that already have a watermark are left to their timers
 * (they catch up by themselves).
 */
export async function backfill(
  services: Services,
  days: number,
  listener: BackfillListener = {},
): Promise<BackfillResult> {
  const watermarks = new WatermarkStore(services.blobs);
  const sites = new Set(services.config.sites.map((s) => s.id));
  const now = services.clock.now();
  const fresh = [];
  for (const source of services.config.sources) {
    if (!(await watermarks.read(source.id))) fresh.push(source);
  }
  listener.onPlan?.(fresh.map((s) => s.id));
  // A forecast source delivers a run an hour (the simulated weather model's), the others a record every 10 minutes.
  const perDay = (kind: string): number => (kind === 'forecast' ? 24 : 144);
  const expected = Math.round(fresh.reduce((n, s) => n + perDay(s.kind), 0) * sites.size * days);
  const received = new Map<string, number>();
  const report = (): void =>
    listener.onProgress?.({ received: [...received.values()].reduce((a, b) => a + b, 0), expected });
  const ingested = await Promise.all(
    fresh.map((source) =>
      ingestSource(
        source,
        sites,
        { blobs: services.blobs, clock: services.clock, provider: services.provider(source.id) },
        {
          initialSince: new Date(now.getTime() - days * 86_400_000),
          budgetMs: 30 * 60_000,
          onPage: (r) => {
            received.set(source.id, r.received);
            report();
          },
        },
      ),
    ),
  );
  const images = fresh.filter((s) => s.kind === 'image').map((s) => s.id);
  const features =
    images.length > 0
      ? await preprocessStoredImages(
          { blobs: services.blobs, clock: services.clock, config: services.config },
          { sources: images, ...(listener.onFeatures ? { onProgress: listener.onFeatures } : {}) },
        )
      : undefined;
  return { ingested, features };
}
