import type { ForecastConfig, SiteConfig } from '../config/ForecastConfig';
import { type Forecast, forecastId } from '../forecast/Forecast';
import { forecastQuantiles } from '../features/forecastQuantiles';
import { ForecastBlobCopy } from '../forecast/ForecastBlobCopy';
import { type ForecastStore, ForecastStoreUnavailableError } from '../forecast/ForecastStore';
import type { Observation } from '../sources/Observation';
import type { StalenessLimit } from '../features/learnStalenessLimit';
import type { ObservationStore } from '../sources/ObservationStore';
import type { BlobStore } from '../storage/BlobStore';
import type { ParsedBlobCache } from '../storage/ParsedBlobCache';
import type { Clock } from '../time/Clock';
import { addMinutes, floorToSlot } from '../time/slots';
import { smartPersistence } from '../solar/smartPersistence';
import { mapLimit } from '../util/mapLimit';
import { chooseModel, freshness, type ModelChoice } from './chooseModel';
import { ModelSpecs } from './ModelSpecs';
import { describeInputs, gatherInputs } from './gatherInputs';
import { PredictionInvariantError } from './PredictionError';
import type { ModelSource, ServingModel } from './ServingModel';
import { type SummaryInputs, summaryInputs, writeForecastSummary } from './writeForecastSummary';
import { compareText } from '../util/compareText';

export interface PredictDeps {
  config: ForecastConfig;
  clock: Clock;
  observations: ObservationStore;
  forecasts: ForecastStore;
  blobs: BlobStore;
  models: ModelSource;
  /**
   * The latest-copy and summary shards as this process last wrote them: a warm instance's next run finds them
   * unchanged and does not parse them again (a run of 10,000 sites merges into tens of MB of JSON).
   */
  parsedBlobs?: ParsedBlobCache;
}

export interface PredictResult {
  issueTime: string;
  forecasts: Forecast[];
  /** Sites that got no forecast for an issue slot (this one or a caught-up one), with the reason. */
  skipped: { site: string; issueTime: string; reason: string }[];
  /** Forecasts kept in Blob Storage because Cosmos DB did not answer; written there by a later run. */
  pending: number;
  /** Earlier pending forecasts this run wrote to Cosmos DB. */
  flushed: number;
  /** Issue slots a previous run missed, made by this one as of their own issueTime. */
  caughtUp: string[];
}

/**
 * Makes the forecast of every site for the issue slot that contains now: inputs are the newest observations
 * available at issueTime; each site gets the best model whose sources are all fresh; sites that chose the same
 * model run in one batch. Forecasts go to the forecast store and to a blob copy of the latest; once per run the
 * dashboard's summary is written. Rerunning for the same slot overwrites the same records.
 */
export async function predictAll(deps: PredictDeps, options: PredictOptions = {}): Promise<PredictResult> {
  const sites = sitesOf(deps.config, options.sites);
  const cadence = deps.config.forecast.cadenceMinutes;
  const current = floorToSlot(deps.clock.now(), cadence);
  const candidates = await deps.models.current();
  // Slots a late or failed run missed are made now, each strictly as of its own issueTime, so none is lost for good.
  const missed: Date[] = [];
  if (options.lastIssueTime) {
    const maxSlots = options.maxCatchUpSlots ?? DEFAULT_CATCH_UP_SLOTS;
    for (
      let t = addMinutes(new Date(options.lastIssueTime), cadence);
      t < current && missed.length < maxSlots;
      t = addMinutes(t, cadence)
    )
      missed.push(t);
  }
  let result: PredictResult | undefined;
  const caughtUp: string[] = [];
  // Once Cosmos DB has failed in this run the remaining slots go straight to pending: each failed call costs the
  // client's own retries (seconds), and a catch-up of many slots must not stretch the run into the next ones.
  const store: StoreState = { down: false };
  // Each source's recent state is read once for the run. Catching up, older slots read day folders the state does
  // not cover: list each once (only then, to keep a single slot lean).
  const observations = deps.observations.forRun();
  const slotDeps = { ...deps, observations: missed.length > 0 ? observations.withListingCache() : observations };
  // What each site's inputs were at the slot (the last slot's remain): the dashboard summary's facts.
  const gathered = new Map<string, SummaryInputs>();
  for (const issueTime of [...missed, current]) {
    const r = await predictSlot(slotDeps, issueTime, candidates, store, gathered, sites);
    if (issueTime !== current) caughtUp.push(r.issueTime);
    result = result
      ? {
          ...r,
          forecasts: [...result.forecasts, ...r.forecasts],
          skipped: [...result.skipped, ...r.skipped],
          pending: result.pending + r.pending,
          flushed: result.flushed + r.flushed,
        }
      : r;
  }
  const made = result as PredictResult;
  await writeForecastSummary(
    deps.config,
    deps.blobs,
    {
      issueTime: current,
      forecasts: made.forecasts,
      skipped: made.skipped.filter((k) => k.issueTime === current.toISOString()),
      gathered,
      ...(options.sites ? { sites: sites.map((s) => s.id) } : {}),
      forecastStoreOk: !store.down,
      now: deps.clock.now(),
    },
    deps.parsedBlobs,
  );
  return { ...made, issueTime: current.toISOString(), caughtUp };
}

/** Options of predictAll's catch-up of missed slots. */
export interface CatchUpOptions {
  /** The issue time of the last successful run; slots after it and before now are made too. */
  lastIssueTime?: string | undefined;
  /** At most this many missed slots are made in one run. */
  maxCatchUpSlots?: number;
}

/** Options of predictAll. */
export interface PredictOptions extends CatchUpOptions {
  /** Only these sites (a predict shard's, in configuration order); every configured site when unset. */
  sites?: readonly string[];
}

/** A day of 10-minute slots at most: beyond that a gap is an outage of the app, reported rather than back-filled. */
export const DEFAULT_CATCH_UP_SLOTS = 144;

/** Sites whose inputs are read at once. */
const SITE_CONCURRENCY = 32;

/** Whether the forecast store has already failed during this run. */
interface StoreState {
  down: boolean;
}

async function predictSlot(
  deps: PredictDeps,
  issueTime: Date,
  candidates: ServingModel[],
  store: StoreState,
  gathered: Map<string, SummaryInputs>,
  runSites: readonly SiteConfig[],
): Promise<PredictResult> {
  const { config } = deps;

  const chosen: {
    site: string;
    latest: Map<string, Observation>;
    limits: Map<string, StalenessLimit>;
    choice: ModelChoice;
  }[] = [];
  const skipped: PredictResult['skipped'] = [];
  const specs = new ModelSpecs(config);
  // A bounded number of sites at a time: memory stays flat and storage is not flooded however many sites there are.
  await mapLimit(runSites, SITE_CONCURRENCY, async (site) => {
    const inputs = await gatherInputs(config, site.id, issueTime, deps.observations);
    const { latest, limits } = inputs;
    // Freshness once per site and slot: the choice and the summary's sources both judge by it.
    const fresh = freshness(config, latest, issueTime, limits);
    gathered.set(site.id, summaryInputs(config, inputs, issueTime, fresh));
    const choice = chooseModel(config, site, issueTime, candidates, inputs, { specs, fresh });
    if (choice) chosen.push({ site: site.id, latest, limits, choice });
    else
      skipped.push({
        site: site.id,
        issueTime: issueTime.toISOString(),
        reason: `no model can run: ${describeMissing(config, latest)}`,
      });
  });

  const createdAt = deps.clock.now().toISOString();
  const sites = new Map(config.sites.map((s) => [s.id, s]));
  const forecasts: Forecast[] = [];
  const byModel = new Map<ServingModel, typeof chosen>();
  for (const c of chosen) {
    const rows = byModel.get(c.choice.model);
    if (rows) rows.push(c);
    else byModel.set(c.choice.model, [c]);
  }
  for (const [model, rows] of byModel) {
    let width = 0;
    for (const r of rows) width += r.choice.row.length;
    const input = new Float32Array(width);
    let at = 0;
    for (const r of rows) for (const v of r.choice.row) input[at++] = v;
    const out = await model.model.predict(input, rows.length);
    const leads = model.leadsMinutes;
    // The validTimes of this slot, made once for all the model's sites.
    const validTimes = leads.map((lead) => addMinutes(issueTime, lead));
    const validIsos = validTimes.map((t) => t.toISOString());
    // Quantiles only for a model with calibrated intervals (persistence and older cards have none).
    const quantiles = model.intervals
      ? rows.map((row, r) =>
          forecastQuantiles(
            model.intervals,
            config.target,
            siteOf(sites, row.site),
            issueTime,
            leads,
            out.subarray(r * leads.length, (r + 1) * leads.length),
          ),
        )
      : [];
    rows.forEach((row, r) => {
      const inputs = describeInputs(row.latest, issueTime, new Set(model.sources), row.limits);
      for (const input of inputs) {
        if (input.availableAt > issueTime.toISOString()) {
          throw new PredictionInvariantError(
            `input ${input.source} of ${row.site} became available at ${input.availableAt}, after issueTime ${issueTime.toISOString()}`,
          );
        }
      }
      forecasts.push({
        id: forecastId(row.site, issueTime.toISOString()),
        site: row.site,
        issueTime: issueTime.toISOString(),
        createdAt,
        target: { source: config.target.source, field: config.target.field, unit: config.target.unit },
        model: { id: model.id, kind: model.kind, version: model.version, sources: [...model.sources] },
        leads: leads.map((lead, l) => {
          const smart = smartReference(config, sites.get(row.site), row.latest, validTimes[l] as Date);
          const made: Forecast['leads'][number] = {
            leadMinutes: lead,
            validTime: validIsos[l] as string,
            value: round(out[r * leads.length + l] as number),
          };
          if (smart !== undefined) made.smartPersistence = round(smart);
          const q = quantiles[r]?.[l];
          if (q) made.quantiles = q;
          return made;
        }),
        inputs,
        missing: row.choice.missing,
        choice: row.choice.choice,
      });
    });
  }

  forecasts.sort((a, b) => compareText(a.site, b.site));
  const copy = new ForecastBlobCopy(deps.blobs, config.sites.length, deps.parsedBlobs);
  const flushed = store.down ? 0 : await flushPending(copy, deps.forecasts, store);
  // The blob copy first: when Cosmos DB is down the forecasts are still served, and kept for Cosmos DB.
  await copy.putLatest(forecasts);
  let unwritten: Forecast[] = forecasts;
  if (!store.down) {
    try {
      await deps.forecasts.upsertMany(forecasts);
      unwritten = [];
    } catch (err) {
      if (!(err instanceof ForecastStoreUnavailableError)) throw err;
      store.down = true;
      const notWritten = err.notWritten ? new Set(err.notWritten) : undefined;
      unwritten = notWritten ? forecasts.filter((f) => notWritten.has(f.id)) : forecasts;
    }
  }
  if (unwritten.length > 0) await copy.putPending(unwritten);
  return {
    issueTime: issueTime.toISOString(),
    forecasts,
    skipped,
    pending: unwritten.length,
    flushed,
    caughtUp: [],
  };
}

/**
 * Writes forecasts kept while Cosmos DB was down, a few pending blobs per bulk write, and clears the blobs it wrote
 * whole; stops at the first failure (it is still down).
 */
async function flushPending(copy: ForecastBlobCopy, store: ForecastStore, state: StoreState): Promise<number> {
  let flushed = 0;
  let batch: { name: string; forecasts: Forecast[]; etag: string }[] = [];
  const write = async (): Promise<void> => {
    // A forecast kept twice (a rerun of its slot, in both layouts) is written once, as last made.
    const byId = new Map<string, Forecast>();
    for (const f of batch.flatMap((b) => b.forecasts)) {
      const seen = byId.get(f.id);
      if (!seen || seen.createdAt <= f.createdAt) byId.set(f.id, f);
    }
    let notWritten = new Set<string>();
    try {
      await store.upsertMany([...byId.values()]);
    } catch (err) {
      if (!(err instanceof ForecastStoreUnavailableError)) throw err;
      state.down = true;
      notWritten = new Set(err.notWritten ?? byId.keys());
    }
    for (const b of batch) {
      if (b.forecasts.some((f) => notWritten.has(f.id))) continue;
      await copy.clearPending(b.name, b.etag);
    }
    flushed += byId.size - notWritten.size;
    batch = [];
  };
  for await (const blob of copy.pending()) {
    batch.push(blob);
    if (batch.reduce((n, b) => n + b.forecasts.length, 0) >= FLUSH_BATCH) await write();
    if (state.down) return flushed;
  }
  if (batch.length > 0) await write();
  return flushed;
}

/** Pending forecasts written in one bulk call at most (memory stays bounded after a long outage). */
const FLUSH_BATCH = 5000;

/** The configured sites a run makes: all of them, or those named (an unknown name is a bug of the caller). */
function sitesOf(config: ForecastConfig, names: readonly string[] | undefined): readonly SiteConfig[] {
  if (!names) return config.sites;
  const byId = new Map(config.sites.map((s) => [s.id, s]));
  return names.map((name) => siteOf(byId, name));
}

function describeMissing(config: ForecastConfig, latest: ReadonlyMap<string, Observation>): string {
  const absent = config.sources.filter((s) => !latest.has(s.id)).map((s) => s.id);
  return absent.length > 0
    ? `no observation available at issueTime from ${absent.join(', ')}`
    : 'every source is stale';
}

function siteOf(sites: ReadonlyMap<string, SiteConfig>, id: string): SiteConfig {
  const site = sites.get(id);
  if (!site) throw new PredictionInvariantError(`site ${id} is not configured`);
  return site;
}

/** Smart persistence of the newest target value available at issueTime (used or not), for a solar target. */
function smartReference(
  config: ForecastConfig,
  location: SiteConfig | undefined,
  latest: ReadonlyMap<string, Observation>,
  validTime: Date,
): number | undefined {
  const { target } = config;
  const newest = latest.get(target.source);
  const value = newest?.values[target.field];
  if (target.solar !== true || !newest || value === undefined || !Number.isFinite(value) || !location) return undefined;
  return smartPersistence({ value, observedAt: Date.parse(newest.observedAt) }, location, validTime.getTime());
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
