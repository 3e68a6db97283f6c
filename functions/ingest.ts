import { app, type InvocationContext, type Timer } from '@azure/functions';
import { loadConfig } from '../shared/config/loadConfig';
import { ingestSource, type IngestResult } from '../shared/ingest/ingestSource';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { logFailure } from './logFailure';

/** The handler of `ingest-<sourceId>`: reads the provider from its watermark into Blob Storage. */
export function makeIngestHandler(sourceId: string, services: () => Services) {
  return async (timer: Timer, context: InvocationContext): Promise<IngestResult> => {
    const s = services();
    const source = s.config.sources.find((c) => c.id === sourceId);
    if (!source) throw new Error(`ingest-${sourceId}: no source "${sourceId}" in the configuration`);
    try {
      const result = await ingestSource(source, new Set(s.config.sites.map((site) => site.id)), { blobs: s.blobs, clock: s.clock, provider: s.provider(sourceId) });
      const summary = `${result.stored} stored, ${result.duplicates} duplicate, ${result.quarantined} quarantined`;
      await s.status.recordQuietly(`ingest-${sourceId}`, { at: s.clock.now().toISOString(), ok: true, summary, details: { ...result } });
      context.log(
        `ingest-${sourceId}: ${result.stored} stored, ${result.duplicates} duplicate, ${result.quarantined} quarantined from ${result.pages} page(s); ` +
          `cursor ${result.from} -> ${result.to}${result.caughtUp ? '' : ' (more to read next run)'}${timer.isPastDue ? ' [past due]' : ''}`,
      );
      return result;
    } catch (err) {
      await s.status.recordQuietly(`ingest-${sourceId}`, { at: s.clock.now().toISOString(), ok: false, summary: (err as Error).message });
      throw logFailure(context, `ingest-${sourceId}`, err);
    }
  };
}

for (const source of loadConfig().sources) {
  app.timer(`ingest-${source.id}`, { schedule: source.schedule, handler: makeIngestHandler(source.id, appServices) });
}
