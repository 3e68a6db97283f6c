import { ingestSource, type IngestResult } from '../shared/ingest/ingestSource';
import { WatermarkStore } from '../shared/ingest/WatermarkStore';
import type { Services } from '../shared/runtime/createServices';

export interface BackfillProgress {
  /** Items received so far, over all sources. */
  received: number;
  /** Items expected (one per source, site and 10 minutes of history). */
  expected: number;
}

/**
 * Fills the history of every source that has never been ingested, `days` back, through the same ingestion code
 * the timers run. Sources that already have a watermark are left to their timers (they catch up by themselves);
 * `onPlan` hears which sources will be backfilled (none on a restart), before anything is read.
 */
export async function backfill(services: Services, days: number, onProgress?: (p: BackfillProgress) => void, onPlan?: (sources: string[]) => void): Promise<IngestResult[]> {
  const watermarks = new WatermarkStore(services.blobs);
  const sites = new Set(services.config.sites.map((s) => s.id));
  const now = services.clock.now();
  const fresh = [];
  for (const source of services.config.sources) {
    if (!(await watermarks.read(source.id))) fresh.push(source);
  }
  onPlan?.(fresh.map((s) => s.id));
  const expected = Math.round(fresh.length * sites.size * days * 144);
  const received = new Map<string, number>();
  const report = (): void => onProgress?.({ received: [...received.values()].reduce((a, b) => a + b, 0), expected });
  return Promise.all(
    fresh.map((source) =>
      ingestSource(source, sites, { blobs: services.blobs, clock: services.clock, provider: services.provider(source.id) }, {
        initialSince: new Date(now.getTime() - days * 86_400_000),
        budgetMs: 30 * 60_000,
        onPage: (r) => {
          received.set(source.id, r.received);
          report();
        },
      }),
    ),
  );
}
