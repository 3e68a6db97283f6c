import { budgetHealth } from '../budget/budgetHealth';
import { COST_WATCH_STATUS } from '../budget/watchBudget';
import type { ForecastConfig } from '../config/ForecastConfig';
import { ingestStatusName } from '../ingest/IngestRunStore';
import type { ForecastSummary, SiteSummary } from '../predict/ForecastSummaryStore';
import { PREDICT_STATUS } from '../predict/PredictRunStore';
import type { BreakerStateReader } from '../sources/BreakerStore';
import type { StatusStore } from '../storage/StatusStore';
import { type HealthReport, readBreaker, type ServiceCheck, type SourceHealth } from './checkHealth';

/** What {@link summaryHealth} reads besides the summary: the small status blobs every run overwrites. */
export interface SummaryHealthDeps {
  config: ForecastConfig;
  status: StatusStore;
  breakers?: BreakerStateReader;
  brokenSources?: readonly { sourceId: string; message: string }[];
}

/**
 * The health report of one site as the dashboard shows it, from predict's summary instead of a check of every store:
 * the sources as judged at the last slot, the model it used, Cosmos DB as that run found it; the runs' status records,
 * breakers and budget are read now (a few small blobs, no listing, no query). `blobStorage` is the summary's own read.
 */
export async function summaryHealth(
  deps: SummaryHealthDeps,
  shard: ForecastSummary,
  site: SiteSummary,
  blobStorage: ServiceCheck,
  now: Date,
): Promise<HealthReport> {
  const { config } = deps;
  const reasons: string[] = [];
  const cosmosDb: ServiceCheck = shard.forecastStoreOk
    ? { ok: true, latencyMs: 0, asOf: shard.writtenAt }
    : { ok: false, latencyMs: 0, asOf: shard.writtenAt, error: 'the last predict run could not write to it' };
  if (!cosmosDb.ok) reasons.push(`Cosmos DB did not answer the predict run of ${shard.issueTime}`);
  const broken = new Map((deps.brokenSources ?? []).map((b) => [b.sourceId, b.message]));
  for (const message of broken.values()) reasons.push(message);
  const facts = new Map(site.sources.map((s) => [s.source, s]));
  const sources: SourceHealth[] = await Promise.all(
    config.sources.map(async (source) => {
      const lastIngest = (await deps.status.read(ingestStatusName(source.id)).catch(() => undefined)) ?? null;
      const fact = facts.get(source.id);
      const { source: _id, ...at } = fact ?? {
        source: source.id,
        newestObservedAt: null,
        newestAvailableAt: null,
        ageMinutes: null,
        fresh: false,
        reason: 'not in the summary yet',
        stalenessLimit: { minutes: NaN, basis: 'default', samples: 0 },
      };
      return {
        id: source.id,
        kind: source.kind,
        sites: [{ site: site.site, ...at }],
        lastIngest,
        ...(broken.has(source.id) ? { notConfigured: broken.get(source.id) } : {}),
        breaker: await readBreaker(deps.breakers, source.id),
      };
    }),
  );
  if (site.serving.model === null)
    reasons.push(
      `site ${site.site}: no model could run at ${site.issueTime}${site.skipped ? ` (${site.skipped})` : ''}`,
    );
  // The same reasons, in the same words, as the full check (checkHealth), for this site only.
  for (const source of sources) {
    if (source.lastIngest && !source.lastIngest.ok)
      reasons.push(`last ingest of ${source.id} failed: ${source.lastIngest.summary}`);
    const b = source.breaker;
    if (b && b.state !== 'closed') {
      reasons.push(
        `circuit breaker of ${source.id} is ${b.state} since ${b.since ?? '?'} after ${b.consecutiveFailures} failed run(s)${b.lastError ? ` (last error: ${b.lastError.message})` : ''}${b.retryAt ? `; next trial after ${b.retryAt}` : ''}`,
      );
    }
    for (const s of source.sites) if (!s.fresh) reasons.push(`${source.id} at ${s.site}: ${s.reason}`);
  }
  const [lastPrediction, budget] = await Promise.all([
    deps.status.read(PREDICT_STATUS).catch(() => undefined),
    deps.status.read(COST_WATCH_STATUS).catch(() => undefined),
  ]);
  const canForecast = blobStorage.ok && cosmosDb.ok && site.serving.model !== null;
  const allFresh = sources.every((s) => s.sites.every((x) => x.fresh));
  return {
    status: !canForecast ? 'down' : allFresh ? 'ok' : 'degraded',
    canForecast,
    reasons,
    checkedAt: now.toISOString(),
    services: { blobStorage, cosmosDb },
    sources,
    // The summary does not read the registry: the version the slot served stands in for the champion (the page shows neither).
    model: { champion: site.serving.version, serving: [{ site: site.site, ...site.serving }] },
    lastPrediction: lastPrediction ?? null,
    budget: budgetHealth(budget),
  };
}
