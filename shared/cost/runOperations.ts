import { latestShardCount } from '../forecast/ForecastBlobCopy';
import { DEFAULT_RECENT_STATE_OPTIONS } from '../sources/RecentState';
import { type CostedFunction, type CostInputs, predictShardCount } from './CostInputs';

/** Blob operations as Azure bills them: put and putIfAbsent are writes, get a read, a listing call a list. */
export interface BlobOperations {
  writes: number;
  reads: number;
  lists: number;
  /** Counted to match the code, not priced: Azure does not bill Delete Blob. */
  deletes: number;
}

/** What the app's own code asks of Blob Storage in one execution of each function (the host's trigger reads apart). */
export type RunOperations = Record<CostedFunction, BlobOperations>;

/** What the figures assume beyond the cost inputs. */
export interface RunOperationsOptions {
  /** A champion is promoted: health reads its card (predict keeps it loaded, so only its pointer is read per run). */
  champion: boolean;
  /** Blob listings of one GET /api/actuals (dashboardUsage's listsPerActuals). */
  listsPerActuals: number;
  /** Blob reads of one GET /api/actuals: the batches of its days (dashboardUsage's readsPerActuals). */
  readsPerActuals: number;
  /** Shards of the dashboard summary predict reads and rewrites every run (dashboardUsage's summaryShards). */
  summaryShards: number;
  /** Blob reads of one GET /api/dashboard/data refresh (dashboardUsage's readsPerCall). */
  dashboardReadsPerCall: number;
}

export const DEFAULT_RUN_OPERATIONS_OPTIONS: RunOperationsOptions = {
  champion: true,
  listsPerActuals: 3,
  readsPerActuals: 216,
  summaryShards: 1,
  dashboardReadsPerCall: 0,
};

/** One ingest run of one source: the requests (pages) that bring records, and the records it stores. */
interface IngestRun {
  pagesWithRecords: number;
  /** Merges of the run's batch into the recent state that add something: before a watermark write, or at the end. */
  flushes: number;
  /**
   * Blobs the pages' records are written in: for observations and forecast runs one batch per merge that brings new
   * records (storeObservations: every site's new records in one blob); for pictures one blob each. Re-reads settled
   * from the recent state store nothing.
   */
  stored: number;
  /** Watermark writes. */
  watermarks: number;
  /**
   * Listings: before a run's first batch, its day's batches (one the state does not name was left by a failed run,
   * and is merged first); and day folders listed to settle re-reads the recent state holds without their values.
   */
  listings: number;
}

/**
 * The blob operations of one execution of each function, in steady state (the sources' recent states exist and cover
 * the last day, every site has recent observations, no breaker is open, Cosmos DB answers), counted from the code:
 * shared/ingest/ingestSource.ts and ingestPage.ts, shared/features/preprocessPictures.ts, shared/predict/predictAll.ts,
 * shared/health/checkHealth.ts and the function handlers that record their runs. An ingest figure is the mean over
 * runs (a run meets a new observation of a site every publishEveryMinutes / ingestEveryMinutes runs).
 */
export function runOperations(
  inputs: CostInputs,
  options: RunOperationsOptions = DEFAULT_RUN_OPERATIONS_OPTIONS,
): RunOperations {
  const sources = inputs.sensorSources + inputs.imageSources + inputs.forecastSources;
  const ingest = (run: IngestRun): Omit<BlobOperations, 'deletes'> => ({
    // What the pages store (a batch of new records per merge; pictures one by one), each merge of the run's batch into
    // the recent state that adds something (before the watermark moves, and at the end), the watermark as it
    // advances, and the run's status record (functions/ingest.ts).
    writes: run.stored + run.flushes + run.watermarks + 1,
    // The watermark and the breaker state, and the recent state once for the run (its first page with records; the
    // run's store keeps it with its ETag for the merges).
    reads: 2 + Math.min(1, run.pagesWithRecords),
    // The recent state settles a window's re-reads and a picture already stored; only re-reads it holds without
    // their values (a forecast run too large for it) are settled from a listing of their day folder.
    lists: run.listings,
  });
  const newPerSite = inputs.ingestEveryMinutes / inputs.publishEveryMinutes;
  const sensor = mean(
    [
      ...repeat(Math.min(inputs.windowSources, inputs.sensorSources), windowRun(inputs, newPerSite)),
      ...repeat(
        Math.max(0, inputs.sensorSources - inputs.windowSources),
        nativeRun(inputs, inputs.sites * newPerSite, 'batched'),
      ),
    ].map((run) => ({ ...ingest(run), deletes: 0 })),
  );
  // A picture is one write, like an observation; a native camera provider serves only what is new. Each page that
  // stores pictures also writes their manifest (preprocess-image runs once per manifest).
  const batches = imageBatches(inputs);
  const pictures = ingest(nativeRun(inputs, batches.picturesPerRun, 'one by one'));
  // The image run first compacts what older deployments' per-picture triggers left in the features inbox: one
  // listing, empty in steady state (nothing read, written or deleted).
  const image: BlobOperations = {
    writes: pictures.writes + batches.pagesPerRun,
    reads: pictures.reads,
    lists: pictures.lists + 1,
    deletes: 0,
  };
  // A forecast run too large for the recent state is downloaded by every reader, per site and forecast source.
  const largeRuns = inputs.forecastRunValuesBytes > DEFAULT_RECENT_STATE_OPTIONS.maxValuesBytes;
  const forecast = { ...ingest(forecastRun(inputs, largeRuns)), deletes: 0 };
  const forecastDownloads = largeRuns ? inputs.forecastSources : 0;
  const shards = predictShardCount(inputs);
  /** One predict run for `sites` of the configured sites (all of them, or a shard's). */
  const predictRun = (sites: number): BlobOperations => ({
    // The blob copy of the latest forecasts, one shard per ~1,000 sites (forecasts/latest/<n>/<i>.json), the run's
    // status record, and the dashboard summary's shards.
    writes: latestShardCount(inputs.sites) + 1 + options.summaryShards,
    // Its status record (the catch-up cursor), the champion pointer, each source's recent state once, the blob
    // copy's current issue time per site, a forecast run too large for the state per site and forecast source, and
    // each summary shard before it is rewritten (ETag).
    reads: 2 + sources + options.summaryShards + latestShardCount(inputs.sites) + sites * forecastDownloads,
    // The pending forecasts Cosmos DB did not take (one listing, empty while it answers), and each image source's
    // features inbox (readers merge it in memory; other states have none).
    lists: 1 + inputs.imageSources,
    deletes: 0,
  });
  return {
    'ingest-sensor': sensor,
    'ingest-image': image,
    'ingest-forecast': forecast,
    'preprocess-image': {
      // One execution per manifest (an ingest page of pictures): every picture's features in one batch
      // (RecentBatch, storeObservations), and one merge of them all into the image source's features state, which
      // names the batch.
      writes: Math.min(1, batches.picturesPerBatch) + 1,
      // The features state (it settles pictures done before), and each picture. The trigger's own download of the
      // manifest is the host's, priced by the estimate apart.
      reads: 1 + batches.picturesPerBatch,
      // Before the batch is written, its day's batches (one the state does not name was left by a failed execution,
      // and is merged first: its features are not stored again), as an ingest run does.
      lists: Math.min(1, batches.picturesPerBatch),
      deletes: 0,
    },
    // Unsharded, predict makes every site; sharded, it only enqueues the shards (queue operations are priced apart)
    // and records so, reading its previous record for the unsharded cursor it carries over.
    predict: shards > 1 ? { writes: 1, reads: 1, lists: 0, deletes: 0 } : predictRun(inputs.sites),
    // Each shard is a predict run of its sites: its own record, the sources' states, and every latest-copy and summary
    // shard its sites hash into (all of them, for thousands of sites).
    'predict-shard': shards > 1 ? predictRun(inputs.sites / shards) : NONE,
    health: {
      writes: 0,
      // predict's status record (the storage probe and lastPrediction), the champion pointer and its card, each
      // source's recent state, last ingest record and breaker state, cost-watch's and compact's records; large
      // forecast runs per site; sharded, each predict shard's record (shared/health/predictShardsHealth.ts).
      reads:
        5 + (options.champion ? 1 : 0) + 3 * sources + inputs.sites * forecastDownloads + (shards > 1 ? shards : 0),
      // Each image source's features inbox.
      lists: inputs.imageSources,
      deletes: 0,
    },
    // A refresh reads the summary shard and the status blobs; a page load's window read is counted apart.
    'dashboard-data': { writes: 0, reads: options.dashboardReadsPerCall, lists: 0, deletes: 0 },
    // Cosmos DB answers (the blob copy is read only while it does not).
    forecast: NONE,
    // One listing per UTC day folder of the window in each layout, and each batch of those days read once.
    actuals: { writes: 0, reads: options.readsPerActuals, lists: options.listsPerActuals, deletes: 0 },
    dashboard: NONE,
    'dashboard-assets': NONE,
    // Its status record.
    'cost-watch': { writes: 1, reads: 0, lists: 0, deletes: 0 },
    compact: compactRun(batchesPerDay(inputs), inputs.compactLookbackDays),
  };
}

/**
 * One daily compact run (shared/sources/compactDay.ts), in steady state: every source's folder of each of the
 * lookback days listed; the day before has no compacted blob yet, so each of its batches is read once and the blob
 * written (a source that wrote none that day is left alone), then its status record; the older days' blobs name every batch their listing
 * shows (by their metadata), so nothing more. A batch that arrives after the run is read by the next one, which also
 * reads and rewrites that day's blob (not counted: late batches are rare).
 */
export function compactRun(batchesPerDayBySource: readonly number[], lookbackDays: number): BlobOperations {
  return {
    // One compacted blob per source that wrote batches that day, and the run's status record.
    writes: batchesPerDayBySource.reduce((a, b) => a + Math.min(1, b), 0) + 1,
    reads: batchesPerDayBySource.reduce((a, b) => a + b, 0),
    lists: batchesPerDayBySource.length * lookbackDays,
    deletes: 0,
  };
}

/**
 * The batches each source writes in a UTC day, in config order by kind (sensors, image sources' features, forecast
 * sources): what its ingest runs (and for pictures, preprocess-image's executions) store, as runOperations counts them.
 */
export function batchesPerDay(inputs: CostInputs): number[] {
  const runsPerDay = 1440 / inputs.ingestEveryMinutes;
  const newPerSite = inputs.ingestEveryMinutes / inputs.publishEveryMinutes;
  const windowSources = Math.min(inputs.windowSources, inputs.sensorSources);
  const sensors = [
    ...repeat(windowSources, windowRun(inputs, newPerSite).stored),
    ...repeat(inputs.sensorSources - windowSources, nativeRun(inputs, inputs.sites * newPerSite, 'batched').stored),
  ];
  // One features batch per preprocess-image execution (one per page of pictures).
  const batches = imageBatches(inputs);
  const features = batches.pagesPerRun * Math.min(1, batches.picturesPerBatch);
  const largeRuns = inputs.forecastRunValuesBytes > DEFAULT_RECENT_STATE_OPTIONS.maxValuesBytes;
  return [
    ...sensors,
    ...repeat(inputs.imageSources, features),
    ...repeat(inputs.forecastSources, forecastRun(inputs, largeRuns).stored),
  ].map((perRun) => perRun * runsPerDay);
}

const NONE: BlobOperations = { writes: 0, reads: 0, lists: 0, deletes: 0 };

/** How the pictures of an image source's ingest run are batched for preprocess-image. */
export interface ImageBatches {
  /** New pictures per ingest run, over all sites. */
  picturesPerRun: number;
  /** Pages with pictures per ingest run (each writes one manifest, each manifest is one preprocess-image execution). */
  pagesPerRun: number;
  /** Pictures one preprocess-image execution handles. */
  picturesPerBatch: number;
}

/** The pages (manifests) a camera's ingest run writes and the pictures each lists: a native provider's pages of new pictures. */
export function imageBatches(inputs: CostInputs): ImageBatches {
  const picturesPerRun = (inputs.sites * inputs.ingestEveryMinutes) / inputs.publishEveryMinutes;
  const pagesPerRun = nativeRun(inputs, picturesPerRun, 'one by one').pagesWithRecords;
  return { picturesPerRun, pagesPerRun, picturesPerBatch: pagesPerRun > 0 ? picturesPerRun / pagesPerRun : 0 };
}

/**
 * A sensor source read in time windows: one request per site when the request names it (else one), each re-reading
 * the overlap, so every page brings records; one watermark write at the window's end.
 */
function windowRun(inputs: CostInputs, newPerSite: number): IngestRun {
  const pages = inputs.windowRequestsNameSite ? inputs.sites : 1;
  const newPerPage = (inputs.sites * newPerSite) / pages;
  // One merge, before the watermark moves at the window's end, when the run brought anything new: one batch with it.
  const flushes = Math.min(1, pages * newPerPage);
  return { pagesWithRecords: pages, flushes, stored: flushes, watermarks: 1, listings: flushes };
}

/**
 * A native provider: pages of what was published since the watermark, each moving the watermark. Observations go
 * in one batch per page (its merge); pictures are stored one by one.
 */
function nativeRun(inputs: CostInputs, records: number, stored: 'batched' | 'one by one'): IngestRun {
  // Fewer than one record per run on average: a run brings one page of them or nothing.
  const pages = records < 1 ? records : Math.ceil(records / inputs.nativePageSize);
  return {
    pagesWithRecords: pages,
    flushes: pages,
    stored: stored === 'batched' ? pages : records,
    watermarks: pages,
    listings: stored === 'batched' ? Math.min(1, pages) : 0,
  };
}

/**
 * A forecast source: a native provider pages only new runs (one per site every forecastRunEveryHours); an HTTP one
 * asks for the forecast now on every run (forecastRequestsPerRun requests), re-reading the current run, and moves its
 * watermark every run.
 */
function forecastRun(inputs: CostInputs, largeRuns: boolean): IngestRun {
  const newRunsPerRun = Math.min(1, inputs.ingestEveryMinutes / (60 * inputs.forecastRunEveryHours));
  if (!inputs.forecastRereads) {
    const pages = newRunsPerRun * Math.ceil(inputs.sites / inputs.nativePageSize);
    // Every page's new runs in one batch.
    return { pagesWithRecords: pages, flushes: pages, stored: pages, watermarks: pages, listings: newRunsPerRun };
  }
  const pages = inputs.forecastRequestsPerRun;
  return {
    pagesWithRecords: pages,
    flushes: newRunsPerRun,
    // The new runs of every site in one batch, at the run's one merge.
    stored: newRunsPerRun,
    watermarks: 1,
    // A re-fetched run the state keeps without values: its day folder listed, per site, and its day's batches
    // (read once per page; taken as one listing here, the batches' reads not counted).
    listings: newRunsPerRun + (largeRuns ? inputs.sites * (1 - newRunsPerRun) + pages * (1 - newRunsPerRun) : 0),
  };
}

function repeat<T>(n: number, x: T): T[] {
  return Array.from({ length: n }, () => x);
}

/** The mean of per-source figures (executions are counted per source); zero sources: none. */
function mean(ops: BlobOperations[]): BlobOperations {
  if (ops.length === 0) return NONE;
  const sum = (k: keyof BlobOperations): number => ops.reduce((a, o) => a + o[k], 0) / ops.length;
  return { writes: sum('writes'), reads: sum('reads'), lists: sum('lists'), deletes: sum('deletes') };
}
