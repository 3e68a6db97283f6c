import { DEFAULT_SITES_PER_SHARD, type ForecastConfig } from '../config/ForecastConfig';
import { requestNamesSite } from '../config/providerSchemas';
import { DEFAULT_DASHBOARD_HOURS } from '../dashboard/parseDashboardQuery';

/** The functions of the app, as the estimate prices them. */
export type CostedFunction =
  | 'ingest-sensor'
  | 'ingest-image'
  | 'ingest-forecast'
  | 'preprocess-image'
  | 'predict'
  | 'predict-shard'
  | 'forecast'
  | 'actuals'
  | 'health'
  | 'dashboard'
  | 'dashboard-assets'
  | 'dashboard-data'
  | 'cost-watch'
  | 'compact';

/** What a deployment does in a month, in the units Azure bills. Counts are per site and source unless named otherwise. */
export interface CostInputs {
  /** Sites forecast (config `sites`). */
  sites: number;
  /** Sensor sources (config `sources` of kind `sensor`). */
  sensorSources: number;
  /** Image sources (config `sources` of kind `image`); each ingest page of pictures is preprocessed through Event Grid. */
  imageSources: number;
  /**
   * Forecast sources (config `sources` of kind `forecast`): a run is stored once per site when the provider has a new
   * one; an HTTP source's re-fetches in between are duplicates, settled from the source's recent state.
   */
  forecastSources: number;
  /** Provider requests a forecast source makes per ingest run: one per site when its request names the site, else one. */
  forecastRequestsPerRun: number;
  /** How often a forecast source has a new run (hours): `run.everyHours`, the shortest configured; 1 when the configuration does not say. */
  forecastRunEveryHours: number;
  /**
   * One run's values as JSON, bytes (about 22 per step and field: 48 quarter-hour steps of 2 fields is about 2,100).
   * Up to 4,096 they are also copied into the blob's metadata; a larger run is downloaded by every reader.
   */
  forecastRunValuesBytes: number;
  /** Sensor sources read in time windows (`http-json`, `http-csv`): every run re-reads the overlap, settled from the source's recent state. */
  windowSources: number;
  /** The window protocols' `window.overlapMinutes`. */
  windowOverlapMinutes: number;
  /** 1 when the window sources' requests name the site (one request, so one page, per site and run), 0 when one request serves every site. */
  windowRequestsNameSite: number;
  /** Records per page of a native provider (`provider.pageSize`). */
  nativePageSize: number;
  /** 1 when the forecast sources ask for the forecast now on every run (`http-json`, `http-csv`), re-reading the current run; 0 when a native provider pages only new runs. */
  forecastRereads: number;
  /** Every source's ingest timer fires this often (the `INGEST_<SOURCE>_SCHEDULE` app settings). */
  ingestEveryMinutes: number;
  /** Providers publish one observation per site this often. */
  publishEveryMinutes: number;
  /** predict runs once per issue slot (config `forecast.cadenceMinutes`). */
  predictEveryMinutes: number;
  /** Calls of GET /api/forecast per hour from clients other than the dashboard (which the dashboard inputs price). */
  forecastRequestsPerHour: number;
  /** Calls of GET /api/health per hour from others than the dashboard (an uptime probe). */
  healthRequestsPerHour: number;
  /**
   * Hours a day a dashboard page is open, summed over viewers (two people with it open 8 h each is 16). Every refresh
   * makes one call, /api/dashboard/data; counted as if the page were in view throughout (browsers slow a hidden tab's
   * timers, so this is an upper bound).
   */
  dashboardOpenHoursPerDay: number;
  /** Seconds between a dashboard's refreshes (`REFRESH_SECONDS` in functions/dashboard.ts). */
  dashboardRefreshSeconds: number;
  /** The window a dashboard shows, hours: how many forecasts a page load's window read returns and how many day folders it lists. */
  dashboardWindowHours: number;
  /** Page loads (opening, reloading, another site or window) per open hour; each fetches the page, its script and stylesheet and the whole window again. */
  dashboardPageLoadsPerOpenHour: number;
  /** One sensor observation in raw/: the JSON record plus its blob metadata, bytes. */
  observationBytes: number;
  /** One camera image in images/, bytes. */
  imageBytes: number;
  /** One image's feature record in features/, with metadata, bytes. */
  featureBytes: number;
  /** One forecast document in Cosmos DB, bytes. */
  forecastBytes: number;
  /** Closed days the daily compact run looks back over (`COMPACT_LOOKBACK_DAYS`): one listing each per source. */
  compactLookbackDays: number;
  /**
   * Hours after UTC midnight the compact timer runs (`COMPACT_SCHEDULE`): until then the day before is read batch by
   * batch, after it in one download.
   */
  compactAtHourUtc: number;
  /** How long raw/ and features/ keep observations (lifecycle rule). */
  retentionDays: number;
  /** How long images/ keeps pictures once their features are extracted. */
  imageRetentionDays: number;
  /** Cosmos DB TTL of a forecast document. */
  forecastRetentionDays: number;
  /** Model registry (every kept version's ONNX files and cards), MB. */
  modelStoreMb: number;
  /** The Flex Consumption deployment package(s) kept in the storage account, MB. */
  deploymentPackageMb: number;
  /** RUs of one forecast upsert. */
  cosmosRuPerWrite: number;
  /** RUs of one latest-forecast query (GET /api/forecast, /api/health). */
  cosmosRuPerRead: number;
  /** RUs every query costs whatever it returns (compiling it, the index lookup): the dashboard's range query. */
  cosmosRuPerQuery: number;
  /** RUs per KB (1,000 bytes) of documents a query loads and returns, on top of {@link CostInputs.cosmosRuPerQuery}. */
  cosmosRuPerQueriedKb: number;
  /** Flex Consumption instance memory, MB (512, 2048 or 4096). */
  functionMemoryMb: number;
  /** Duration of one execution of each function, ms (preprocess-image's with one picture). */
  durationsMs: Record<CostedFunction, number>;
  /** What each further picture of a batch adds to preprocess-image's duration, ms (reads, decodes and writes overlap). */
  preprocessMsPerPicture: number;
  /** predict's extra time when its instance is new (module load, ONNX sessions), ms, and how often that happens a day. */
  coldStartExtraMs: number;
  coldStartsPerDay: number;
  /**
   * Billed Application Insights data of the request record every execution sends (host.json logs Host.Results at
   * Information, so successes are counted too and success rates stay visible), bytes.
   */
  requestTelemetryBytes: number;
  /** Billed traces of one execution (the host's Executing/Executed lines and the app's own), bytes. */
  traceBytesPerExecution: number;
  /**
   * Telemetry items (the request and its traces) one execution sends. host.json's adaptive sampling keeps every item
   * while the app sends fewer than its maxTelemetryItemsPerSecond, which this app's rate is far below (a test checks),
   * so the estimate counts every item.
   */
  telemetryItemsPerExecution: number;
  /** Billed telemetry of the host itself (heartbeats, metrics), MB per day. */
  hostTelemetryMbPerDay: number;
  /** Storage transactions of the Functions host itself (singleton and timer lease renewals) per hour. */
  hostStorageOpsPerHour: number;
  /**
   * Sites one predict run makes (config `forecast.sitesPerShard`); with more, the predict timer enqueues one message
   * per shard and `predict-shard` makes each.
   */
  sitesPerShard: number;
  /**
   * Polls of the predict-shards queue that find nothing, per hour: the Functions host's queue listener backs off to
   * its 1-minute maximum polling interval while the queue is empty (60/h), plus the quicker polls after each slot's
   * messages. The queue trigger is registered in every deployment, so it polls unsharded too.
   */
  queuePollsPerHour: number;
}

/** Defaults for the reference deployment; sizes measured where the simulated world allows, the rest stated. */
export const DEFAULT_COST_INPUTS: CostInputs = {
  sites: 1,
  sensorSources: 3,
  imageSources: 1,
  forecastSources: 0,
  forecastRequestsPerRun: 1,
  forecastRunEveryHours: 1,
  // Stated: 48 steps x 2 fields x about 22 bytes (`"ghi_wm2@+120":512.3,`).
  forecastRunValuesBytes: 2100,
  // The reference configuration reads site-meter, neighbors and weather through vendor-shaped window APIs.
  windowSources: 3,
  windowOverlapMinutes: 60,
  // The reference configuration's window requests name the site (`{providerSiteId}`, `{latitude}`).
  windowRequestsNameSite: 1,
  nativePageSize: 500,
  // The reference configuration's weather model speaks the native format.
  forecastRereads: 0,
  ingestEveryMinutes: 5,
  publishEveryMinutes: 10,
  predictEveryMinutes: 10,
  forecastRequestsPerHour: 12,
  healthRequestsPerHour: 12,
  // Stated: one viewer through a working day, reopening the page twice in it.
  dashboardOpenHoursPerDay: 8,
  dashboardRefreshSeconds: 120,
  dashboardWindowHours: DEFAULT_DASHBOARD_HOURS,
  dashboardPageLoadsPerOpenHour: 0.25,
  observationBytes: 450,
  // Measured: mean PNG of the simulated 64x64 sky camera (local/world/benchWorld, 14 days). A real camera is larger.
  imageBytes: 5646,
  featureBytes: 700,
  forecastBytes: 2000,
  // The default COMPACT_LOOKBACK_DAYS and COMPACT_SCHEDULE (03:30 UTC).
  compactLookbackDays: 3,
  compactAtHourUtc: 3.5,
  retentionDays: 365,
  imageRetentionDays: 30,
  forecastRetentionDays: 90,
  modelStoreMb: 50,
  deploymentPackageMb: 150,
  cosmosRuPerWrite: 10,
  cosmosRuPerRead: 3,
  // Stated, not measured in Azure (the local Cosmos server reports no charges): a query costs more than a 1 KB point
  // read's 1 RU even for one document (Microsoft's example: 3.19 RU for one 10 KB item), and then grows with the
  // documents loaded; 2.5 + 0.15/KB prices the latest-forecast query (one 2 KB document) at cosmosRuPerRead's 3 and a
  // 12 h range (72 documents) at about 24 RU. Microsoft's upper figure is 1 RU per KB returned: --set cosmosRuPerQueriedKb=1.
  cosmosRuPerQuery: 2.5,
  cosmosRuPerQueriedKb: 0.15,
  functionMemoryMb: 2048,
  // Stated, not measured in Azure: every one is under the 1 s minimum billable period, so the bill does not depend on
  // them, except preprocess-image's with many pictures a page (preprocessMsPerPicture).
  durationsMs: {
    'ingest-sensor': 400,
    'ingest-image': 700,
    'ingest-forecast': 500,
    'preprocess-image': 300,
    predict: 450,
    // One shard of a sharded predict: as predict, since it is the same run for fewer sites.
    'predict-shard': 450,
    forecast: 80,
    actuals: 150,
    health: 250,
    dashboard: 20,
    'dashboard-assets': 10,
    // One summary shard and a few status blobs; a window read also queries Cosmos DB and lists the day folders.
    'dashboard-data': 150,
    'cost-watch': 1500,
    // Stated: every source's batches of the day before (hundreds of small blobs, 16 at a time) and one write each.
    compact: 5000,
  },
  // Measured through Azurite on a shared two-core machine: 100 pictures in one execution took 0.7 s, 10 took 0.15 s
  // (test/integration/costCounts.test.ts diagnostics); stated at 10 ms for Azure's longer round trips, eight at a time.
  preprocessMsPerPicture: 10,
  coldStartExtraMs: 4000,
  coldStartsPerDay: 24,
  // Stated, not measured in Azure: an AppRequests row of about 1 KB and about four 500-byte AppTraces rows.
  requestTelemetryBytes: 1000,
  traceBytesPerExecution: 2000,
  telemetryItemsPerExecution: 5,
  hostTelemetryMbPerDay: 20,
  hostStorageOpsPerHour: 360,
  sitesPerShard: DEFAULT_SITES_PER_SHARD,
  // Stated, not measured in Azure: 60 idle polls an hour and about 5 quicker ones after each of the 6 slots.
  queuePollsPerHour: 90,
};

/** The inputs for a forecasting configuration: its sites, sources and cadence, the rest from the defaults. */
export function costInputsFromConfig(config: ForecastConfig, overrides: Partial<CostInputs> = {}): CostInputs {
  return {
    ...DEFAULT_COST_INPUTS,
    sites: config.sites.length,
    sensorSources: config.sources.filter((s) => s.kind === 'sensor').length,
    imageSources: config.sources.filter((s) => s.kind === 'image').length,
    ...forecastInputs(config),
    // A forecast source asks for the forecast now: no window, no overlap (its re-reads are counted apart).
    windowSources: config.sources.filter(
      (s) => s.kind !== 'forecast' && (s.provider.protocol === 'http-json' || s.provider.protocol === 'http-csv'),
    ).length,
    windowOverlapMinutes: Math.max(
      0,
      ...config.sources.map((s) =>
        s.kind !== 'forecast' && (s.provider.protocol === 'http-json' || s.provider.protocol === 'http-csv')
          ? s.provider.window.overlapMinutes
          : 0,
      ),
    ),
    windowRequestsNameSite: config.sources.some(
      (s) =>
        s.kind !== 'forecast' &&
        (s.provider.protocol === 'http-json' || s.provider.protocol === 'http-csv') &&
        requestNamesSite(s.provider.request),
    )
      ? 1
      : 0,
    nativePageSize: nativePageSize(config),
    forecastRereads: config.sources.some(
      (s) => s.kind === 'forecast' && (s.provider.protocol === 'http-json' || s.provider.protocol === 'http-csv'),
    )
      ? 1
      : 0,
    predictEveryMinutes: config.forecast.cadenceMinutes,
    sitesPerShard: config.forecast.sitesPerShard,
    ...overrides,
  };
}

/** The smallest page size of the native providers (the most pages), or the default when there is none. */
function nativePageSize(config: ForecastConfig): number {
  const sizes = config.sources.flatMap((s) => (s.provider.protocol === 'native' ? [s.provider.pageSize] : []));
  return sizes.length > 0 ? Math.min(...sizes) : DEFAULT_COST_INPUTS.nativePageSize;
}

/**
 * A configuration's forecast sources as the estimate counts them: how many, the requests one ingest run makes (the
 * most of any forecast source: per site when the request names the site, else one; a native provider pages once per
 * run), and the shortest declared run cycle.
 */
function forecastInputs(
  config: ForecastConfig,
): Pick<CostInputs, 'forecastSources' | 'forecastRequestsPerRun' | 'forecastRunEveryHours'> {
  const forecast = config.sources.filter((s) => s.kind === 'forecast');
  const requests = forecast.map((s) =>
    (s.provider.protocol === 'http-json' || s.provider.protocol === 'http-csv') && requestNamesSite(s.provider.request)
      ? config.sites.length
      : 1,
  );
  const cycles = forecast.flatMap((s) =>
    (s.provider.protocol === 'http-json' || s.provider.protocol === 'http-csv') &&
    s.provider.response.run?.from === 'fetch'
      ? [s.provider.response.run.everyHours]
      : [],
  );
  return {
    forecastSources: forecast.length,
    forecastRequestsPerRun: Math.max(1, ...requests),
    forecastRunEveryHours: cycles.length > 0 ? Math.min(...cycles) : DEFAULT_COST_INPUTS.forecastRunEveryHours,
  };
}

/** predict's shards per slot: 1 (unsharded: the timer runs predict itself) up to sitesPerShard sites. */
export function predictShardCount(inputs: Pick<CostInputs, 'sites' | 'sitesPerShard'>): number {
  return Math.max(1, Math.ceil(inputs.sites / Math.max(1, inputs.sitesPerShard)));
}
