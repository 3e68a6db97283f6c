import { app, type InvocationContext, type Timer } from '@azure/functions';
import { ConfigError } from '../shared/config/ConfigError';
import { loadFunctionPlan } from '../shared/config/loadFunctionPlan';
import { type IngestDeps, type IngestOptions, ingestSource, type IngestResult } from '../shared/ingest/ingestSource';
import { IngestRunStore, summarizeIngest } from '../shared/ingest/IngestRunStore';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { logFailure } from './logFailure';

/** What a caller may change about a run: the real-time timer and jitter (tests), and the ingest options. */
export interface IngestRunSettings {
  deps?: Pick<IngestDeps, 'timer' | 'random'>;
  options?: IngestOptions;
}

/**
 * The handler of `ingest-<sourceId>`: reads the provider from its watermark into Blob Storage. While the source's
 * circuit breaker is open it makes no call, records the skip (with the breaker's state) for /api/health and
 * succeeds: retrying a skip would only skip again. Provider failures are rethrown, retryable or not as they say.
 */
export function makeIngestHandler(sourceId: string, services: () => Services, run: IngestRunSettings = {}) {
  return async (timer: Timer, context: InvocationContext): Promise<IngestResult> => {
    const s = services();
    const source = s.config.sources.find((c) => c.id === sourceId);
    if (!source) throw new ConfigError(`ingest-${sourceId}: no source "${sourceId}" in the configuration`);
    const pastDue = timer.isPastDue ? ' [past due]' : '';
    const runs = new IngestRunStore(s.status, sourceId);
    try {
      const sites = new Set(s.config.sites.map((site) => site.id));
      const result = await ingestSource(
        source,
        sites,
        { blobs: s.blobs, clock: s.clock, provider: s.provider(sourceId), ...run.deps },
        run.options,
      );
      await runs.recordResult(result, s.clock.now());
      if (result.skipped) {
        context.warn(`ingest-${sourceId}: skipped, no call made: ${result.skipped.reason}${pastDue}`);
        return result;
      }
      const line =
        `ingest-${sourceId}: ${summarizeIngest(result)} from ${result.pages} page(s)` +
        `${result.quarantinedPages > 0 ? `, ${result.quarantinedPages} unreadable page(s) quarantined` : ''}${result.retries > 0 ? `, ${result.retries} retried call(s)` : ''}; ` +
        `cursor ${result.from} -> ${result.to}${result.caughtUp ? '' : ' (more to read next run)'}${pastDue}`;
      if (result.quarantined > 0 || result.quarantinedPages > 0) context.warn(line);
      else context.log(line);
      return result;
    } catch (err) {
      await runs.recordFailure(err, s.clock.now());
      throw logFailure(context, `ingest-${sourceId}`, err);
    }
  };
}

// Registered from the ids and schedules alone: a source whose provider settings are missing still gets its timer,
// and its runs fail with SourceNotConfiguredError naming the setting, while every other function keeps running.
for (const source of loadFunctionPlan().sources) {
  app.timer(`ingest-${source.id}`, { schedule: source.schedule, handler: makeIngestHandler(source.id, appServices) });
}
