import type { ForecastConfig } from '../config/ForecastConfig';
import type { Forecast } from '../forecast/Forecast';
import { runHealth } from '../sources/runHealth';
import { BlobConflictError, type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { minutesBetween } from '../time/slots';
import { mapLimit } from '../util/mapLimit';
import { IsoTexts } from '../time/IsoTexts';
import type { ParsedBlobCache } from '../storage/ParsedBlobCache';
import { freshness } from './chooseModel';
import {
  type ForecastSummary,
  ForecastSummaryStore,
  SUMMARY_ACTUAL_HOURS,
  type SiteSummary,
  type SummaryActual,
  type SummarySource,
  summaryShardOf,
  summaryShards,
} from './ForecastSummaryStore';
import type { GatheredInputs } from './gatherInputs';
import type { RecentObservation } from '../features/historyFeatures';

/** What one predict run knows that the dashboard shows. */
export interface SummaryRun {
  /** The run's (current) issue slot. */
  issueTime: Date;
  /** Every forecast the run made, caught-up slots included. */
  forecasts: readonly Forecast[];
  /** Sites the current slot made no forecast for, and why. */
  skipped: readonly { site: string; issueTime: string; reason: string }[];
  /** The sites the run made (a predict shard's); every configured site when unset. */
  sites?: readonly string[];
  /** What the current slot gathered per site (already in memory: no read of its own). */
  gathered: ReadonlyMap<string, SummaryInputs>;
  /** Whether Cosmos DB took the run's forecasts. */
  forecastStoreOk: boolean;
  /** When the run wrote. */
  now: Date;
}

/**
 * The part of a site's gathered inputs the summary keeps: every source's newest observation and limit, and only the
 * target's recent values of the last hours, so holding them for every site until the run ends costs little memory.
 */
export function summaryInputs(
  config: ForecastConfig,
  inputs: GatheredInputs,
  issueTime: Date,
  fresh?: ReturnType<typeof freshness>,
): SummaryInputs {
  const since = issueTime.getTime() - SUMMARY_ACTUAL_HOURS * 3_600_000;
  const target = (inputs.recent.get(config.target.source) ?? []).filter((r) => r.observedAt > since);
  const kept = { latest: inputs.latest, limits: inputs.limits, recent: new Map([[config.target.source, target]]) };
  return fresh ? { ...kept, fresh } : kept;
}

/** A site's gathered inputs as the summary keeps them, with the freshness predict judged them by when it has it. */
export interface SummaryInputs extends GatheredInputs {
  /** freshness(config, latest, issueTime, limits) at the slot. */
  fresh?: ReturnType<typeof freshness>;
}

/** Shards written at once. */
const SHARD_CONCURRENCY = 4;
/** Read-merge-write rounds per shard before a lost race fails the run (predict shards write the same blobs). */
const MERGE_ATTEMPTS = 8;

/**
 * Writes the dashboard's summary of a predict run: per site the newest forecast, the sources as judged at the slot
 * and the target's recent values, in a few shard blobs (one up to 500 sites). Each shard is read first, so a site
 * the slot skipped keeps its last forecast and the values it had, and the sites of other predict shards stay as
 * they are; the write is ETag-guarded and redone over the newer version when another run or shard wrote first, so
 * shards that finish in any order leave the same summary.
 */
export async function writeForecastSummary(
  config: ForecastConfig,
  blobs: BlobStore,
  run: SummaryRun,
  cache?: ParsedBlobCache,
): Promise<void> {
  const store = new ForecastSummaryStore(blobs, cache);
  const shards = summaryShards(config.sites.length);
  const bySite = new Map<string, Forecast>();
  for (const f of run.forecasts) {
    const kept = bySite.get(f.site);
    if (!kept || kept.issueTime < f.issueTime) bySite.set(f.site, f);
  }
  const skipped = new Map(run.skipped.map((s) => [s.site, s.reason]));
  const groups = new Map<number, string[]>();
  for (const site of run.sites ?? config.sites.map((s) => s.id)) {
    const shard = summaryShardOf(site, shards);
    const group = groups.get(shard);
    if (group) group.push(site);
    else groups.set(shard, [site]);
  }
  const configured = new Set(config.sites.map((s) => s.id));
  const iso = new IsoTexts();
  await mapLimit([...groups], SHARD_CONCURRENCY, async ([shard, sites]) => {
    for (let attempt = 1; ; attempt++) {
      const previous = await store.read(shard, shards);
      const summary = mergedShard(previous?.summary, run, shard, shards);
      // Sites of other predict shards stay as written; sites no longer configured are dropped.
      for (const [site, kept] of Object.entries(previous?.summary.sites ?? {}))
        if (configured.has(site)) summary.sites[site] = kept;
      for (const site of sites) {
        summary.sites[site] = siteSummary(
          config,
          site,
          run,
          bySite.get(site),
          skipped.get(site),
          previous?.summary,
          iso,
        );
      }
      try {
        if (await store.write(summary, previous?.etag)) return;
      } catch (err) {
        if (!(err instanceof BlobConflictError) || attempt >= MERGE_ATTEMPTS) throw err;
      }
      if (attempt >= MERGE_ATTEMPTS) throw new BlobConflictError(CONTAINERS.forecasts, `summary shard ${shard}`);
    }
  });
}

/**
 * A shard's run-level facts after this run: the newest issue slot, and whether Cosmos DB took the forecasts as of
 * it (a slot's shards all must have; a newer slot starts over), whatever order the shards finish in.
 */
function mergedShard(
  previous: ForecastSummary | undefined,
  run: SummaryRun,
  shard: number,
  shards: number,
): ForecastSummary {
  const issueTime = run.issueTime.toISOString();
  const newer = !previous || previous.issueTime < issueTime;
  const same = previous?.issueTime === issueTime;
  return {
    version: 1,
    writtenAt: run.now.toISOString(),
    issueTime: newer ? issueTime : (previous?.issueTime ?? issueTime),
    forecastStoreOk: newer
      ? run.forecastStoreOk
      : same
        ? previous.forecastStoreOk && run.forecastStoreOk
        : (previous?.forecastStoreOk ?? run.forecastStoreOk),
    shard,
    shards,
    sites: {},
  };
}

function siteSummary(
  config: ForecastConfig,
  site: string,
  run: SummaryRun,
  made: Forecast | undefined,
  skipped: string | undefined,
  previous: ForecastSummary | undefined,
  iso: IsoTexts,
): SiteSummary {
  const before = previous?.sites[site];
  const gathered = run.gathered.get(site);
  const kept = before?.latest ?? null;
  const latest = made && (!kept || made.issueTime >= kept.issueTime) ? made : kept;
  const current = made?.issueTime === run.issueTime.toISOString() ? made : undefined;
  return {
    site,
    issueTime: run.issueTime.toISOString(),
    latest,
    ...(skipped !== undefined ? { skipped } : {}),
    serving: current
      ? { model: current.model.id, version: current.model.version, sources: [...current.model.sources] }
      : { model: null, version: null, sources: [] },
    sources: gathered ? sourcesAt(config, gathered, run.issueTime) : (before?.sources ?? []),
    actuals: recentActuals(config, run.issueTime, before?.actuals ?? [], gathered, iso),
  };
}

/** Each source as health judges it at the slot, from the inputs predict gathered. */
function sourcesAt(config: ForecastConfig, gathered: SummaryInputs, issueTime: Date): SummarySource[] {
  const fresh = gathered.fresh ?? freshness(config, gathered.latest, issueTime, gathered.limits);
  return config.sources.map((source) => ({ source: source.id, ...sourceFacts(source, gathered, fresh, issueTime) }));
}

/**
 * What health shows of one source at one site at issueTime: its newest input, its age, whether it is fresh (and why
 * not), the staleness limit it was judged by, and a forecast source's newest run. Health and the summary both use it.
 */
export function sourceFacts(
  source: { id: string; kind: string },
  inputs: Pick<GatheredInputs, 'latest' | 'limits'>,
  fresh: ReturnType<typeof freshness>,
  issueTime: Date,
): Omit<SummarySource, 'source'> {
  const obs = inputs.latest.get(source.id);
  const missing = fresh.get(source.id);
  const limit = inputs.limits.get(source.id);
  return {
    newestObservedAt: obs?.observedAt ?? null,
    newestAvailableAt: obs?.availableAt ?? null,
    ageMinutes: obs ? Math.round(minutesBetween(new Date(obs.observedAt), issueTime)) : null,
    fresh: missing === null,
    ...(missing ? { reason: missing.reason } : {}),
    stalenessLimit: {
      minutes: limit?.minutes ?? NaN,
      basis: limit?.basis ?? 'default',
      samples: limit?.samples ?? 0,
    },
    ...(source.kind === 'forecast' ? { run: obs ? runHealth(obs, issueTime, limit?.minutes) : null } : {}),
  };
}

/**
 * The target's values of the last hours available at the slot: those kept from earlier runs, the ones the slot's
 * history inputs listed (a batch that arrived late at once), and the newest; oldest first, one per observedAt, the
 * slot's winning over the kept at the same instant.
 */
function recentActuals(
  config: ForecastConfig,
  issueTime: Date,
  kept: readonly SummaryActual[],
  gathered: GatheredInputs | undefined,
  iso: IsoTexts,
): SummaryActual[] {
  const { source, field } = config.target;
  const since = issueTime.getTime() - SUMMARY_ACTUAL_HOURS * 3_600_000;
  const asOf = issueTime.getTime();
  const usable = (a: Actual): boolean => Number.isFinite(a.value) && a.observed > since && a.available <= asOf;
  // What the slot has, oldest first: the history inputs (newest first) and then the newest observation.
  const fresh: Actual[] = [];
  const recent = gathered?.recent.get(source) ?? [];
  for (let i = recent.length - 1; i >= 0; i--) {
    const r = recent[i] as RecentObservation;
    const value = r.values[field];
    if (value !== undefined) fresh.push({ observed: r.observedAt, available: r.availableAt, value });
  }
  const newest = gathered?.latest.get(source);
  const newestValue = newest?.values[field];
  if (newest && newestValue !== undefined)
    fresh.push({
      observed: Date.parse(newest.observedAt),
      available: Date.parse(newest.availableAt),
      value: newestValue,
    });
  const old: Actual[] = kept.map((a) => ({
    observed: iso.ms(a.observedAt),
    available: iso.ms(a.availableAt),
    value: a.value,
  }));
  // Both are in time order but for a foreign summary or a repeated instant, which byInstant puts right.
  const slot = byInstant(fresh.filter(usable));
  const before = byInstant(old.filter(usable));
  const out: SummaryActual[] = [];
  let f = 0;
  for (const a of before) {
    while (f < slot.length && (slot[f] as Actual).observed < a.observed) out.push(actual(slot[f++] as Actual, iso));
    if (f < slot.length && (slot[f] as Actual).observed === a.observed) continue;
    out.push(actual(a, iso));
  }
  while (f < slot.length) out.push(actual(slot[f++] as Actual, iso));
  return out;
}

/** A value of the target with its instants in epoch ms. */
interface Actual {
  observed: number;
  available: number;
  value: number;
}

/** `actuals` by observedAt, one per instant (the last given wins); as given when already so (the usual case). */
function byInstant(actuals: Actual[]): Actual[] {
  let ordered = true;
  for (let i = 1; i < actuals.length && ordered; i++)
    ordered = (actuals[i] as Actual).observed > (actuals[i - 1] as Actual).observed;
  if (ordered) return actuals;
  const sorted = actuals.map((a, i) => ({ a, i })).sort((x, y) => x.a.observed - y.a.observed || x.i - y.i);
  const out: Actual[] = [];
  for (const { a } of sorted) {
    if (out.length > 0 && (out[out.length - 1] as Actual).observed === a.observed) out[out.length - 1] = a;
    else out.push(a);
  }
  return out;
}

function actual({ observed, available, value }: Actual, iso: IsoTexts): SummaryActual {
  return { observedAt: iso.of(observed), availableAt: iso.of(available), value };
}
