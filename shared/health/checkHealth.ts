import type { ForecastConfig } from '../config/ForecastConfig';
import type { ForecastStore } from '../forecast/ForecastStore';
import { ingestStatusName } from '../ingest/IngestRunStore';
import { chooseModel, freshness } from '../predict/chooseModel';
import { gatherInputs } from '../predict/gatherInputs';
import type { SummarySource } from '../predict/ForecastSummaryStore';
import { sourceFacts } from '../predict/writeForecastSummary';
import { baselineDescriptors } from '../predict/PersistenceModelSource';
import { PREDICT_STATUS } from '../predict/PredictRunStore';
import type { ModelRegistry } from '../registry/ModelRegistry';
import type { BreakerState } from '../sources/BreakerState';
import type { BreakerStateReader } from '../sources/BreakerStore';
import type { ObservationStore } from '../sources/ObservationStore';
import { type RunHealth, runHealth } from '../sources/runHealth';
import type { Clock } from '../time/Clock';
import { floorToSlot } from '../time/slots';
import { budgetHealth, type BudgetHealth } from '../budget/budgetHealth';
import { COST_WATCH_STATUS } from '../budget/watchBudget';
import { COMPACT_STATUS, compactOverdueMs, DEFAULT_COMPACT_OPTIONS } from '../sources/compactClosedDays';
import type { MessageQueue } from '../storage/MessageQueue';
import type { RunStatus, StatusStore } from '../storage/StatusStore';
import { type PredictShardsHealth, predictShardsHealth } from './predictShardsHealth';

// Moved to sources/ so predict's dashboard summary shows a run exactly as health does; kept here for callers.
export { type RunHealth, runHealth };

export interface HealthDeps {
  config: ForecastConfig;
  clock: Clock;
  observations: ObservationStore;
  forecasts: ForecastStore;
  registry: ModelRegistry;
  status: StatusStore;
  /** Each provider's circuit breaker; without it the report shows none. */
  breakers?: BreakerStateReader;
  /** Sources whose provider settings are not set (their ingestion fails until they are). */
  brokenSources?: readonly { sourceId: string; message: string }[];
  /** The app's queues: a sharded predict's poison queue is counted. */
  queues?: MessageQueue;
}

export interface ServiceCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** Not probed now but seen by the predict run at this time (the dashboard's summary-based report). */
  asOf?: string;
}

export interface SourceHealth {
  id: string;
  kind: string;
  /** Each site's facts about the source at the issue slot (sourceFacts, as the dashboard summary keeps them). */
  sites: ({ site: string } & Omit<SummarySource, 'source'>)[];
  lastIngest: RunStatus | null;
  /** Why the source cannot be read at all in this deployment (an unset app setting), when it cannot. */
  notConfigured?: string;
  /** The provider's circuit breaker (null when it could not be read). */
  breaker: BreakerReport | null;
}

/** A provider's circuit breaker as health shows it. */
export interface BreakerReport {
  state: BreakerState['state'];
  /** When it entered this state (null: it has always been closed). */
  since: string | null;
  consecutiveFailures: number;
  lastError: BreakerState['lastError'];
  /** When an open breaker lets the next trial call through. */
  retryAt: string | null;
}

export interface HealthReport {
  /** ok: every source fresh; degraded: forecasting without some source; down: cannot forecast. */
  status: 'ok' | 'degraded' | 'down';
  canForecast: boolean;
  /** Why the system cannot forecast, or what it is doing without. */
  reasons: string[];
  checkedAt: string;
  services: { blobStorage: ServiceCheck; cosmosDb: ServiceCheck };
  sources: SourceHealth[];
  model: {
    champion: string | null;
    /** The model each site would be forecast with now. */
    serving: { site: string; model: string | null; version: string | null; sources: string[] }[];
  };
  lastPrediction: RunStatus | null;
  /** With more sites than forecast.sitesPerShard: each predict shard's last run and the poison queue. */
  predictShards?: PredictShardsHealth;
  /** The budget's state as cost-watch last read it (does not affect canForecast). */
  budget: BudgetHealth;
  /**
   * The last run of the daily compact timer (null before the first); the full check only (the dashboard's per-site
   * report leaves it out). It does not affect canForecast: without it training, the backtest and the dashboard's
   * earlier days read a day batch by batch, slower but the same.
   */
  compaction?: RunStatus | null;
}

/** Checks every dependency of the forecast path and says whether the system can forecast right now. */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const { config } = deps;
  const now = deps.clock.now();
  const issueTime = floorToSlot(now, config.forecast.cadenceMinutes);
  const reasons: string[] = [];

  const blobStorage = await probe(() => deps.status.read(PREDICT_STATUS));
  const cosmosDb = await probe(() => deps.forecasts.latest(config.sites[0]?.id ?? ''));
  if (!blobStorage.ok) reasons.push(`Blob Storage does not answer: ${blobStorage.error}`);
  if (!cosmosDb.ok) reasons.push(`Cosmos DB does not answer: ${cosmosDb.error}`);

  const broken = new Map((deps.brokenSources ?? []).map((b) => [b.sourceId, b.message]));
  const sources: SourceHealth[] = config.sources.map((s) => ({
    id: s.id,
    kind: s.kind,
    sites: [],
    lastIngest: null,
    ...(broken.has(s.id) ? { notConfigured: broken.get(s.id) } : {}),
    breaker: null,
  }));
  for (const message of broken.values()) reasons.push(message);
  const serving: HealthReport['model']['serving'] = [];
  let champion: string | null = null;
  let lastPrediction: RunStatus | null = null;
  let predictShards: PredictShardsHealth | undefined;
  if (blobStorage.ok) {
    const pointer = await deps.registry.champion().catch(() => undefined);
    champion = pointer?.pointer.version ?? null;
    const card = champion ? await deps.registry.card(champion).catch(() => undefined) : undefined;
    const candidates = [
      ...(card?.models ?? [])
        .map((m) => ({
          id: m.id,
          sources: m.sources,
          featureNames: m.inputs,
          version: card?.version ?? null,
          score: m.heldOut.meanRmse,
          ...(m.expectedError ? { expectedError: m.expectedError } : {}),
        }))
        .sort((a, b) => a.score - b.score),
      // With the card's tables, so health names the model predict would choose by expected error.
      ...baselineDescriptors(config).map((b) => {
        const table = card?.baselineExpectedError?.[b.kind];
        return table ? { ...b, expectedError: table } : b;
      }),
    ];
    // Each source's recent state read once for all sites.
    const observations = deps.observations.forRun();
    for (const site of config.sites) {
      const inputs = await gatherInputs(config, site.id, issueTime, observations);
      // Freshness once per site: the report's sources and the choice both judge by it, as predict does.
      const fresh = freshness(config, inputs.latest, issueTime, inputs.limits);
      for (const source of sources)
        source.sites.push({ site: site.id, ...sourceFacts(source, inputs, fresh, issueTime) });
      const choice = chooseModel(config, site.id, issueTime, candidates, inputs, { fresh });
      serving.push({
        site: site.id,
        model: choice?.model.id ?? null,
        version: choice?.model.version ?? null,
        sources: [...(choice?.model.sources ?? [])],
      });
      if (!choice) reasons.push(`site ${site.id}: no model can run with the sources that are fresh`);
    }
    for (const source of sources) {
      source.lastIngest = (await deps.status.read(ingestStatusName(source.id)).catch(() => undefined)) ?? null;
      if (source.lastIngest && !source.lastIngest.ok)
        reasons.push(`last ingest of ${source.id} failed: ${source.lastIngest.summary}`);
      source.breaker = await readBreaker(deps.breakers, source.id);
      const b = source.breaker;
      if (b && b.state !== 'closed') {
        reasons.push(
          `circuit breaker of ${source.id} is ${b.state} since ${b.since ?? '?'} after ${b.consecutiveFailures} failed run(s)${b.lastError ? ` (last error: ${b.lastError.message})` : ''}${b.retryAt ? `; next trial after ${b.retryAt}` : ''}`,
        );
      }
      for (const s of source.sites) if (!s.fresh) reasons.push(`${source.id} at ${s.site}: ${s.reason}`);
    }
    lastPrediction = (await deps.status.read(PREDICT_STATUS).catch(() => undefined)) ?? null;
    predictShards = await predictShardsHealth(config, deps.status, deps.queues, reasons);
  }

  const budget = budgetHealth(
    blobStorage.ok ? await deps.status.read(COST_WATCH_STATUS).catch(() => undefined) : undefined,
  );
  const compaction = blobStorage.ok ? ((await deps.status.read(COMPACT_STATUS).catch(() => undefined)) ?? null) : null;
  if (compaction && !compaction.ok) reasons.push(`last compact run failed: ${compaction.summary}`);
  else if (compaction) {
    // The run's own lookback says how long until a closed day falls out of its window (older records: the default).
    const recorded = compaction.details?.['lookbackDays'];
    const lookbackDays =
      typeof recorded === 'number' && Number.isInteger(recorded) && recorded >= 1
        ? recorded
        : DEFAULT_COMPACT_OPTIONS.lookbackDays;
    if (!(now.getTime() - Date.parse(compaction.at) <= compactOverdueMs(lookbackDays)))
      reasons.push(
        `compaction last ran at ${compaction.at} and looks back ${lookbackDays} day(s): closed days since are read ` +
          `batch by batch, and one not compacted soon falls out of its window (is the compact timer running, and ` +
          `does COMPACT_LOOKBACK_DAYS cover COMPACT_SCHEDULE's interval? \`npm run migrate -- --compact-days <n>\` ` +
          `compacts older days)`,
      );
  }
  const canForecast =
    blobStorage.ok && cosmosDb.ok && serving.length === config.sites.length && serving.every((s) => s.model !== null);
  const allFresh = sources.every((s) => s.sites.every((x) => x.fresh));
  return {
    status: !canForecast ? 'down' : allFresh ? 'ok' : 'degraded',
    canForecast,
    reasons,
    checkedAt: now.toISOString(),
    services: { blobStorage, cosmosDb },
    sources,
    model: { champion, serving },
    lastPrediction,
    ...(predictShards ? { predictShards } : {}),
    budget,
    compaction,
  };
}

/** A provider's circuit breaker as health shows it, or null when there is no reader or it cannot be read. */
export async function readBreaker(
  reader: BreakerStateReader | undefined,
  source: string,
): Promise<BreakerReport | null> {
  const read = await reader?.read(source).catch(() => undefined);
  if (!read) return null;
  const s = read.state;
  return {
    state: s.state,
    since: s.since,
    consecutiveFailures: s.consecutiveFailures,
    lastError: s.lastError,
    retryAt: s.retryAt ?? null,
  };
}

async function probe(fn: () => Promise<unknown>): Promise<ServiceCheck> {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: (err as Error).message.split('\n')[0]?.slice(0, 200) ?? 'unknown error',
    };
  }
}
