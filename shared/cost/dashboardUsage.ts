import { summaryShards } from '../predict/ForecastSummaryStore';
import type { CostInputs } from './CostInputs';

/** What open dashboards ask of the app in a month, counted from what its script does (shared/dashboard/dashboardScriptCore.ts). */
export interface DashboardUsage {
  /** Refreshes of all open dashboards. */
  refreshes: number;
  /** Function executions, by the call that causes them. */
  calls: {
    /** GET /api/dashboard/data: one per refresh. */
    data: number;
    /**
     * Of those, the ones that read the whole window (a page load's first refresh): a Cosmos query returning the
     * window's forecasts and a blob listing per UTC day folder of the target source. Every other one reads predict's
     * summary and the status blobs only, and answers 304 or only what is newer.
     */
    windowReads: number;
    /** GET /api/dashboard: the page. */
    page: number;
    /** GET /api/dashboard/assets/{name}: the page's script and stylesheet, and uPlot's. */
    assets: number;
  };
  /** Forecast documents one window read's query returns (one per issue slot; the page shows one site). */
  forecastsPerRange: number;
  /** RUs of one window read's query. */
  ruPerRange: number;
  /** Blob listings of one window read: the day folders a window spans on average, in both layouts. */
  listsPerActuals: number;
  /** Blob reads of one window read: today's batches of the target source, and each earlier day's compacted blob (its batches before compaction). */
  readsPerActuals: number;
  /** Blob reads of every data call: the site's summary shard, each source's ingest status and breaker, predict's and cost-watch's status. */
  readsPerCall: number;
  /** Summary shards predict writes (and reads first) per run: 1 up to 500 sites, at most 16. */
  summaryShards: number;
}

/**
 * Batches the target source (a sensor read in windows) writes a day: one per ingest run that brings a new record
 * (runOperations' windowRun).
 */
function targetBatchesPerDay(inputs: CostInputs): number {
  const newPerRun = (inputs.sites * inputs.ingestEveryMinutes) / inputs.publishEveryMinutes;
  return (1440 / inputs.ingestEveryMinutes) * Math.min(1, newPerRun);
}

/** Blob reads of one window read: today's batches, and each earlier day compacted or (before compaction) its batches. */
function actualsReads(inputs: CostInputs): number {
  const batches = targetBatchesPerDay(inputs);
  const earlierDays = inputs.dashboardWindowHours / 24;
  const uncompacted = Math.min(inputs.dashboardWindowHours, inputs.compactAtHourUtc) / 24;
  return 0.5 * batches + (earlierDays - uncompacted) + uncompacted * batches;
}

/**
 * The dashboard's load in a month of `hoursPerMonth`. Each refresh makes one call; a page load's first one reads the
 * window, the others what changed since the cursor. Each page load also fetches the page, its script and its
 * stylesheet (served `no-cache`), and uPlot's two files at most once a day (cached a day). One viewer's browser.
 */
export function dashboardUsage(inputs: CostInputs, hoursPerMonth: number): DashboardUsage {
  const openHours = inputs.dashboardOpenHoursPerDay * (hoursPerMonth / 24);
  const refreshes = openHours * (3600 / inputs.dashboardRefreshSeconds);
  const pageLoads = openHours * inputs.dashboardPageLoadsPerOpenHour;
  const loadsPerDay = inputs.dashboardOpenHoursPerDay * inputs.dashboardPageLoadsPerOpenHour;
  const uplotLoads = Math.min(loadsPerDay, 1) * (hoursPerMonth / 24);
  const forecastsPerRange = inputs.dashboardWindowHours * (60 / inputs.predictEveryMinutes);
  const sources = inputs.sensorSources + inputs.imageSources + inputs.forecastSources;
  return {
    refreshes,
    calls: {
      data: refreshes,
      windowReads: Math.min(pageLoads, refreshes),
      page: pageLoads,
      assets: pageLoads * 2 + uplotLoads * 2,
    },
    forecastsPerRange,
    ruPerRange:
      inputs.cosmosRuPerQuery + (forecastsPerRange * inputs.forecastBytes * inputs.cosmosRuPerQueriedKb) / 1000,
    // A window of W hours starting at a random time crosses a UTC midnight W/24 times on average; one listing page
    // holds 5,000 blobs, more than a day of observations. Each day folder is listed in both layouts (per observation,
    // batches).
    listsPerActuals: 2 * (1 + inputs.dashboardWindowHours / 24),
    // Today's batches up to now (half a day on average) are read one by one; an earlier day (W/24 of one on average) in
    // one download of its compacted blob, except the day before while the compact timer has not run yet (a window
    // reaches it then with chance min(W, compactAtHourUtc) / 24), batch by batch.
    readsPerActuals: actualsReads(inputs),
    readsPerCall: 1 + 2 * sources + 2,
    summaryShards: summaryShards(inputs.sites),
  };
}
