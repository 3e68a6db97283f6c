import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CostInputs, costInputsFromConfig, DEFAULT_COST_INPUTS } from '../../../shared/cost/CostInputs';
import { estimateMonthlyCost } from '../../../shared/cost/estimateMonthlyCost';
import { checkPriceTable, loadPriceTable, type PriceEntry, type PriceTable } from '../../../shared/cost/PriceTable';
import { testConfig } from '../../support/testServices';

const p = (value: number): PriceEntry => ({ value, unit: 'test', source: 'hand' });

/** Round prices and a 720-hour month, so every figure below can be checked by hand. */
const PRICES: PriceTable = {
  title: 'test',
  currency: 'USD',
  region: 'test',
  offer: 'test',
  compiledOn: '2026-11-29',
  regionNote: '',
  hoursPerMonth: 720,
  sources: { hand: { title: 'hand-made', url: 'about:blank' } },
  functions: {
    onDemandPerGbSecond: p(0.00002),
    onDemandPerMillionExecutions: p(0.5),
    freeGbSecondsPerMonth: p(1000),
    freeExecutionsPerMonth: p(1000),
    minimumBillableMs: p(1000),
    billingIncrementMs: p(100),
  },
  blobStorage: {
    capacityPerGbMonth: p(0.02),
    writePer10k: p(0.05),
    listPer10k: p(0.05),
    readPer10k: p(0.004),
    otherPer10k: p(0.004),
  },
  cosmosDb: { perMillionRu: p(0.25), storagePerGbMonth: p(0.25) },
  logAnalytics: { perGbIngested: p(2), freeGbPerMonth: p(1) },
  eventGrid: { perMillionOperations: p(0.5), freeOperationsPerMonth: p(1000) },
  queueStorage: { class1Per10k: p(0.004), class2Per10k: p(0.004) },
  alwaysOn: { vmSize: 'Test_VM', vmPerHour: p(0.05), osDiskPerMonth: p(2), publicIpPerHour: p(0.01) },
  sla: {
    functionsFlexConsumption: p(99.95),
    storageLrsHot: p(99.9),
    cosmosDbServerlessSingleRegion: p(99.9),
    eventGrid: p(99.99),
    singleVmStandardSsd: p(99.5),
  },
};

const INPUTS: CostInputs = {
  sites: 2,
  sensorSources: 1,
  imageSources: 1,
  // No forecast source here; its runs have their own test.
  forecastSources: 0,
  forecastRequestsPerRun: 1,
  forecastRunEveryHours: 1,
  forecastRunValuesBytes: 2000,
  // Native providers here; the window reads' listings have their own test.
  windowSources: 0,
  windowOverlapMinutes: 60,
  windowRequestsNameSite: 1,
  nativePageSize: 500,
  forecastRereads: 0,
  ingestEveryMinutes: 10,
  publishEveryMinutes: 10,
  predictEveryMinutes: 10,
  forecastRequestsPerHour: 1,
  healthRequestsPerHour: 0,
  // No dashboard here: the month below is the app's own load; the dashboard's is added in its own test.
  dashboardOpenHoursPerDay: 0,
  dashboardRefreshSeconds: 30,
  dashboardWindowHours: 12,
  dashboardPageLoadsPerOpenHour: 0.5,
  observationBytes: 500,
  imageBytes: 10_000,
  featureBytes: 1000,
  forecastBytes: 2000,
  compactLookbackDays: 3,
  compactAtHourUtc: 3,
  retentionDays: 10,
  imageRetentionDays: 5,
  forecastRetentionDays: 10,
  modelStoreMb: 10,
  deploymentPackageMb: 90,
  cosmosRuPerWrite: 10,
  cosmosRuPerRead: 2,
  cosmosRuPerQuery: 2,
  cosmosRuPerQueriedKb: 0.5,
  functionMemoryMb: 1024,
  durationsMs: {
    'ingest-sensor': 1450,
    'ingest-image': 300,
    'ingest-forecast': 500,
    'preprocess-image': 200,
    predict: 500,
    'predict-shard': 500,
    forecast: 100,
    actuals: 100,
    health: 100,
    dashboard: 100,
    'dashboard-assets': 100,
    'dashboard-data': 100,
    'cost-watch': 2000,
    compact: 3000,
  },
  preprocessMsPerPicture: 900,
  coldStartExtraMs: 1000,
  coldStartsPerDay: 2,
  requestTelemetryBytes: 2_000,
  traceBytesPerExecution: 8_000,
  telemetryItemsPerExecution: 5,
  hostTelemetryMbPerDay: 10,
  hostStorageOpsPerHour: 100,
  // Unsharded, and no queue polls: the sharded month has its own test.
  sitesPerShard: 10_000,
  queuePollsPerHour: 0,
};

const close = (actual: number | undefined, expected: number, what: string): void => {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );
};

test('a hand-computed month: executions, billed GB-s, storage operations, RUs, log GB and event operations', () => {
  const e = estimateMonthlyCost(INPUTS, PRICES);
  // 6 runs/h x 720 h = 4,320; preprocess: one manifest per run (2 pictures on one page of 500), 200 ms + 900 ms for
  // the second picture; cost-watch and compact once a day for 30 days.
  assert.deepEqual(
    e.functions.map((f) => [f.name, f.executionsPerMonth, f.billedSeconds, f.gbSeconds]),
    [
      ['ingest-sensor', 4320, 1.5, 6480], // 1,450 ms rounds up to 1.5 s
      ['ingest-image', 4320, 1, 4320], // 300 ms bills the 1 s minimum
      ['ingest-forecast', 0, 1, 0],
      ['preprocess-image', 4320, 1.1, 4752],
      ['predict', 4320, 1, 4350], // + 2 cold starts/day x 30 days x 0.5 s more
      ['predict-shard', 0, 1, 0], // unsharded: the timer runs predict itself
      ['forecast', 720, 1, 720],
      ['actuals', 0, 1, 0],
      ['health', 0, 1, 0],
      ['dashboard', 0, 1, 0],
      ['dashboard-assets', 0, 1, 0],
      ['dashboard-data', 0, 1, 0],
      ['cost-watch', 30, 2, 60],
      ['compact', 30, 3, 90],
    ],
  );
  const fn = e.services.find((s) => s.service === 'Functions (Flex Consumption)');
  close(fn?.listCost, 20772 * 0.00002 + (18060 / 1e6) * 0.5, 'functions list');
  close(fn?.cost, (20772 - 1000) * 0.00002 + ((18060 - 1000) / 1e6) * 0.5, 'functions after the free grant');

  // Per execution (shared/cost/runOperations.ts): an ingest run of a native source with 2 new records on one page
  // writes them in one batch, one merge into the recent state, the watermark and its status record (4), reads the
  // watermark, the breaker and the state once (3) and lists the day's batches before writing one (1); the image run
  // also writes the page's manifest (a write more) and lists its features inbox (empty); preprocess writes the 2
  // pictures' features in one batch and one merge into the features state (2),
  // reads the state and the 2 pictures (3; the trigger's download of the manifest is 1 read more) and lists the
  // day's features batches before writing one (1);
  // predict writes the one shard of its blob copy, its status and the dashboard summary's shard (3), reads its status,
  // the champion, 2 states, the summary shard and the copy's shard (6) and lists the pending forecasts and the image
  // source's inbox (2); cost-watch writes its status; compact reads the day before's 144 sensor batches and 144
  // features batches, writes 2 day blobs and its status, and lists 2 sources x 3 days.
  // Writes: 4,320 x (4 + 6) + 4,320 x 2 + 4,320 x 3 + 30 + 30 x 3; reads: 4,320 x (3 + 3) + 4,320 x (3 + 1) +
  // 4,320 x 6 + 30 x 288; lists: 4,320 + 4,320 + 4,320 + 4,320 x 2 + 30 x 6.
  assert.deepEqual(e.storage, { capacityGb: 0.11872, writes: 64920, hostOps: 72000, reads: 77760, lists: 21780 });
  const blob = e.services.find((s) => s.service === 'Blob Storage (hot, LRS)');
  const blobCost = 0.11872 * 0.02 + 6.492 * 0.05 + 7.2 * 0.05 + 2.178 * 0.05 + 7.776 * 0.004;
  close(blob?.cost, blobCost, 'blob');

  const cosmos = e.services.find((s) => s.service === 'Cosmos DB (serverless)');
  close(cosmos?.lines[0]?.quantity, 4320 * 2 * 10 + 720 * 2, 'RUs');
  close(cosmos?.cost, (87840 / 1e6) * 0.25 + 0.00576 * 0.25, 'cosmos');

  const logs = e.services.find((s) => s.service === 'Log Analytics / Application Insights');
  close(logs?.lines[0]?.quantity, 0.1806 + 0.3, 'log GB');
  close(logs?.listCost, 0.4806 * 2, 'logs list');
  assert.equal(logs?.cost, 0, 'under the free 1 GB');

  // Every blob written, and each manifest delivered to preprocess-image.
  const events = e.services.find((s) => s.service === 'Event Grid (system topic)');
  close(events?.lines[0]?.quantity, 64920 + 4320, 'event operations');
  close(events?.cost, ((69240 - 1000) / 1e6) * 0.5, 'event grid');

  close(e.total.listCost, 0.42447 + blobCost + 0.0234 + 0.9612 + 0.03462, 'total list');
  close(e.total.cost, 0.40397 + blobCost + 0.0234 + 0 + 0.03412, 'total');
  close(e.alwaysOn.cost, 0.05 * 720 + 2 + 0.01 * 720, 'always on');
});

test('a dashboard open 6 h a day adds its hand-computed calls, RUs, listings, reads and telemetry; 0 h adds nothing', () => {
  const without = estimateMonthlyCost(INPUTS, PRICES);
  const e = estimateMonthlyCost({ ...INPUTS, dashboardOpenHoursPerDay: 6 }, PRICES);
  // 6 h x 30 days = 180 h open, a refresh every 30 s: 21,600 refreshes, each one /api/dashboard/data call.
  // 0.5 page loads an hour: 90 pages, each with its script and stylesheet (180), and uPlot's 2 files once a day (60).
  const added = (name: string): number =>
    (e.functions.find((f) => f.name === name)?.executionsPerMonth ?? NaN) -
    (without.functions.find((f) => f.name === name)?.executionsPerMonth ?? NaN);
  assert.deepEqual(
    ['forecast', 'actuals', 'health', 'dashboard', 'dashboard-assets', 'dashboard-data', 'predict'].map((n) => [
      n,
      added(n),
    ]),
    [
      ['forecast', 0],
      ['actuals', 0],
      ['health', 0],
      ['dashboard', 90],
      ['dashboard-assets', 240],
      ['dashboard-data', 21600],
      ['predict', 0],
    ],
  );
  // A page load's first call reads the window: 72 forecasts of 2 KB, 2 + 144 KB x 0.5 = 74 RU, and 1.5 day folders
  // in both layouts (3 listings): today's batches up to now (half of 144), and half a day before it on average, in
  // one compacted blob, except from midnight to the compact run at 03:00 (3/24), when its 144 batches are read:
  // 72 + (0.5 - 0.125) + 0.125 x 144 = 90.375.
  assert.deepEqual(
    [
      e.dashboard.calls.windowReads,
      e.dashboard.forecastsPerRange,
      e.dashboard.ruPerRange,
      e.dashboard.listsPerActuals,
      e.dashboard.readsPerActuals,
    ],
    [90, 72, 74, 3, 90.375],
  );
  const ru = (x: typeof e): number =>
    x.services.find((s) => s.service === 'Cosmos DB (serverless)')?.lines[0]?.quantity ?? NaN;
  close(ru(e) - ru(without), 90 * 74, 'dashboard RUs');
  close(e.storage.lists - without.storage.lists, 90 * 3, 'dashboard lists');
  // Every call reads the summary shard, 2 sources' ingest status and breaker, and predict's and cost-watch's status;
  // a page load's first also the window's batches.
  close(e.storage.reads - without.storage.reads, 21600 * 7 + 90 * 90.375, 'dashboard reads');
  assert.equal(e.storage.writes, without.storage.writes, 'the dashboard writes nothing');
  // 21,930 more executions of 1 GB x 1 s, 10 KB of telemetry each (the logs stay under their free 1 GB).
  const common = 21930 * 0.00002 + 0.02193 * 0.5 + 0.027 * 0.05 + (15.12 + 0.813375) * 0.004 + 0.00666 * 0.25;
  close(e.total.listCost - without.total.listCost, common + 0.2193 * 2, 'added list cost');
  close(e.total.cost - without.total.cost, common, 'added cost');

  const longer = estimateMonthlyCost({ ...INPUTS, dashboardOpenHoursPerDay: 12 }, PRICES);
  assert.ok(longer.total.cost > e.total.cost && e.total.cost > without.total.cost, 'more open hours cost more');
  const wider = estimateMonthlyCost({ ...INPUTS, dashboardOpenHoursPerDay: 6, dashboardWindowHours: 72 }, PRICES);
  assert.ok(ru(wider) > ru(e), 'a wider window returns more forecasts per query');
});

test('doubling the sites doubles per-site quantities but not the per-run ones', () => {
  const one = estimateMonthlyCost({ ...INPUTS, sites: 1 }, PRICES);
  const two = estimateMonthlyCost(INPUTS, PRICES);
  const exec = (e: typeof one, name: string) => e.functions.find((f) => f.name === name)?.executionsPerMonth;
  assert.equal(
    exec(two, 'preprocess-image'),
    exec(one, 'preprocess-image'),
    'one preprocess execution per ingest page',
  );
  assert.equal(exec(two, 'predict'), exec(one, 'predict'), 'one predict run forecasts every site');
  assert.equal(exec(two, 'ingest-sensor'), exec(one, 'ingest-sensor'), 'one ingest run reads a source for every site');
});

test('preprocess-image runs once per ingest page of pictures, its billed time growing with the pictures of the page', () => {
  const at = (sites: number) => {
    const e = estimateMonthlyCost({ ...INPUTS, sites, preprocessMsPerPicture: 10 }, PRICES);
    const f = e.functions.find((x) => x.name === 'preprocess-image');
    return [f?.executionsPerMonth, f?.billedSeconds];
  };
  // 500 pictures a run fill one page: 200 ms + 499 x 10 ms; 1,000 fill two pages of 500; 1,200 three of 400.
  assert.deepEqual(at(500), [4320, 5.2]);
  assert.deepEqual(at(1000), [8640, 5.2]);
  assert.deepEqual(at(1200), [12960, 4.2]);
  // Fewer pictures than runs (one site, a picture every 20 min, ingest every 10): a manifest every other run.
  const sparse = estimateMonthlyCost({ ...INPUTS, sites: 1, publishEveryMinutes: 20 }, PRICES);
  assert.equal(sparse.functions.find((x) => x.name === 'preprocess-image')?.executionsPerMonth, 2160);
});

test('the shipped price table is complete, every figure names a source, and a broken one is refused by path', () => {
  const prices = loadPriceTable();
  assert.deepEqual(checkPriceTable(prices), []);
  assert.match(prices.compiledOn, /^\d{4}-\d{2}-\d{2}$/);
  const broken = structuredClone(prices) as unknown as {
    functions: Record<string, Partial<PriceEntry>>;
    sla: Record<string, Partial<PriceEntry>>;
  };
  delete broken.functions['onDemandPerGbSecond'];
  (broken.sla['eventGrid'] as PriceEntry).value = 101;
  (broken.functions['billingIncrementMs'] as PriceEntry).source = 'nowhere';
  assert.deepEqual(checkPriceTable(broken), [
    'functions.onDemandPerGbSecond: missing',
    'functions.billingIncrementMs.source: "nowhere" is not a key of "sources"',
    'sla.eventGrid.value: a percentage, at most 100 (got 101)',
  ]);
});

test('the reference deployment comes from config/solar-park.json: 1 site, 3 sensor sources and a camera, every 10 minutes', () => {
  const inputs = costInputsFromConfig(testConfig());
  assert.deepEqual(
    [inputs.sites, inputs.sensorSources, inputs.imageSources, inputs.predictEveryMinutes],
    [1, 3, 1, 10],
  );
  assert.equal(inputs.ingestEveryMinutes, DEFAULT_COST_INPUTS.ingestEveryMinutes);
  const e = estimateMonthlyCost(inputs, loadPriceTable());
  assert.ok(e.total.cost > 0 && e.total.cost < e.total.listCost);
  assert.ok(e.alwaysOn.cost > e.total.listCost, 'serverless stays cheaper than one always-on VM at this size');
});

test('a source read in time windows asks per site and settles its overlap from the recent state: one merge per run, no listing', () => {
  const native = estimateMonthlyCost(INPUTS, PRICES);
  const windowed = estimateMonthlyCost({ ...INPUTS, windowSources: 1, windowOverlapMinutes: 62 }, PRICES);
  // A request (a page) per site, but the run reads the state once and merges its batch once, before the watermark
  // moves at the window's end: the same operations as one native page of every site.
  assert.deepEqual(windowed.storage, native.storage);
  assert.equal(windowed.storage.lists, native.storage.lists, 'the overlap is settled without listings');
  // One request for every site: the same as a native page.
  const shared = estimateMonthlyCost({ ...INPUTS, windowSources: 1, windowRequestsNameSite: 0 }, PRICES);
  assert.deepEqual(shared.storage, native.storage);
});

test('a forecast source: an ingest run per tick, a provider request per site, one run stored per site and cycle', () => {
  const base = estimateMonthlyCost(INPUTS, PRICES);
  const inputs: CostInputs = {
    ...INPUTS,
    forecastSources: 1,
    forecastRequestsPerRun: 2,
    forecastRunEveryHours: 3,
    forecastRunValuesBytes: 2000,
  };
  const e = estimateMonthlyCost(inputs, PRICES);
  // 6 ingest runs/h x 720 h; 2 sites, one request each; a run every 3 h: 240 a month per site.
  assert.deepEqual(
    e.functions.find((f) => f.name === 'ingest-forecast'),
    { name: 'ingest-forecast', executionsPerMonth: 4320, billedSeconds: 1, gbSeconds: 4320 },
  );
  assert.deepEqual(e.forecastSources, {
    providerRequestsPerMonth: 8640,
    runsStoredPerMonth: 480,
    runBytes: 2000 * 2 + 300,
    downloadedByReaders: false,
  });
  // A native provider pages only new runs: one run in 18 brings a page of them. Writes: the page's runs in one batch,
  // a state merge and a watermark per such page (240 each), a status record per ingest run (4,320), the source's
  // compacted day (30).
  close(e.storage.writes - base.storage.writes, 240 + 240 + 240 + 4320 + 30, 'writes');
  // Reads: the watermark and breaker per ingest run, the state once per run with a page of new runs, predict's read
  // of the source's state (health is not called here), each batch once more by compaction (240).
  close(e.storage.reads - base.storage.reads, 4320 * 2 + 240 + 4320 + 240, 'reads');
  // Lists: the day's batches before each batch is written (240); no day folders: predict reads the recent state;
  // compaction's 3 day folders a day (90).
  close(e.storage.lists - base.storage.lists, 240 + 90, 'lists');
  // Capacity: 16 runs a day per source, 2 sites, 10 days kept, 4,300 bytes each.
  close(e.storage.capacityGb - base.storage.capacityGb, (16 * 10 * 4300) / 1e9, 'capacity');

  // A run too large for its metadata is stored once and downloaded by each predict run per site.
  const large = estimateMonthlyCost({ ...inputs, forecastRunValuesBytes: 5000 }, PRICES);
  assert.equal(large.forecastSources.runBytes, 5300);
  close(large.storage.reads - e.storage.reads, 4320 * 2, 'downloads of large runs');

  // An HTTP forecast source asks for the forecast now on every run, a request per site: every page re-reads the run,
  // settled from the state the run reads once; its batch is merged once in the runs that bring a new run (240).
  const http = estimateMonthlyCost({ ...inputs, forecastRereads: 1 }, PRICES);
  close(http.storage.reads - base.storage.reads, 4320 * (2 + 1) + 4320 + 240, 'reads of a re-fetching source');
  close(http.storage.writes - base.storage.writes, 240 + 240 + 4320 + 4320 + 30, 'writes of a re-fetching source');

  // A run cycle shorter than ingestion cannot be stored more often than ingestion reads.
  close(
    estimateMonthlyCost({ ...inputs, forecastRunEveryHours: 0.05 }, PRICES).forecastSources.runsStoredPerMonth,
    2 * 6 * 720,
    'runs capped by ingest runs',
  );
});

test('costInputsFromConfig counts forecast sources apart from the window sources: requests per site, the declared cycle', () => {
  // The test configuration's own forecast source (the simulated nwp) left out: one forecast source, declared here.
  const withoutForecasts = (): ReturnType<typeof testConfig> => {
    const c = testConfig();
    c.sources = c.sources.filter((s) => s.kind !== 'forecast');
    return c;
  };
  const config = withoutForecasts();
  config.sources.push({
    id: 'open-meteo',
    kind: 'forecast',
    provider: {
      protocol: 'http-json',
      endpoint: 'https://api.open-meteo.example',
      auth: { kind: 'none' },
      headers: {},
      timeoutMs: 10_000,
      maxResponseBytes: 1_000_000,
      maxRequestsPerRun: 10,
      sites: {},
      request: {
        path: '/v1/forecast',
        query: { latitude: '{latitude}', longitude: '{longitude}' },
        from: { format: 'iso', timeZone: 'UTC' },
        to: { format: 'iso', timeZone: 'UTC' },
      },
      window: { overlapMinutes: 600, maxWindowMinutes: 1440 },
      response: {
        columns: 'minutely_15',
        time: { path: 'time', format: 'iso', timeZone: 'UTC' },
        values: { ghi_wm2: { path: 'shortwave_radiation' } },
        nulls: 'skip',
        run: { from: 'fetch', everyHours: 3, availableAfterMinutes: 120 },
      },
    },
    schedule: '0 */10 * * * *',
    fields: ['ghi_wm2'],
    initialLookbackHours: 6,
    maxImageBytes: 2_000_000,
  });
  config.sites.push({ id: 'park-2', latitude: 48.1, longitude: 11.6 });
  const before = costInputsFromConfig(withoutForecasts());
  const inputs = costInputsFromConfig(config);
  assert.deepEqual([inputs.forecastSources, inputs.forecastRequestsPerRun, inputs.forecastRunEveryHours], [1, 2, 3]);
  assert.equal(inputs.windowSources, before.windowSources, 'not a window source');
  assert.equal(inputs.windowOverlapMinutes, before.windowOverlapMinutes, 'its window block is not read');
  assert.equal(before.forecastSources, 0);
});

test("predict's blob copy is written and read per shard of 1,000 sites, not per site; Cosmos DB RUs stay per forecast", () => {
  // Pages of 10,000 records, so the ingest runs' pages (and their merges and watermarks) do not step here too.
  const at = (sites: number) => estimateMonthlyCost({ ...INPUTS, sites, nativePageSize: 10_000 }, PRICES);
  const runs = 4320;
  // The 1,001st site adds a second shard: one more write and read per run, on top of what any site adds (and of the
  // dashboard summary's own shards, which double there too: each is read and written once per run as well).
  const summary = (sites: number): number => at(sites + 1).dashboard.summaryShards - at(sites).dashboard.summaryShards;
  const step = (sites: number, what: 'writes' | 'reads'): number =>
    at(sites + 1).storage[what] - at(sites).storage[what] - runs * summary(sites);
  assert.equal(summary(1000), 2, 'the summary goes from 2 shards to 4 there');
  assert.equal(step(1000, 'writes') - step(999, 'writes'), runs);
  assert.equal(step(1000, 'reads') - step(999, 'reads'), runs);
  assert.equal(step(2000, 'writes') - step(1999, 'writes'), runs * 2, 'two shards more: four in all');
  const ru = (sites: number): number =>
    at(sites).services.find((s) => s.service === 'Cosmos DB (serverless)')?.lines[0]?.quantity ?? NaN;
  close(ru(1001) - ru(1000), runs * 10, 'RUs per forecast written, bulk or not');
});

test('a sharded predict: the timer enqueues, one predict-shard execution per shard and slot, and the queue operations are priced', () => {
  const unsharded = estimateMonthlyCost({ ...INPUTS, sites: 10 }, PRICES);
  const e = estimateMonthlyCost({ ...INPUTS, sites: 10, sitesPerShard: 4, queuePollsPerHour: 60 }, PRICES);
  const exec = (x: typeof e, name: string) => x.functions.find((f) => f.name === name)?.executionsPerMonth;
  // 10 sites by 4: 3 shards; 6 slots an hour x 720 h = 4,320 slots.
  assert.equal(exec(e, 'predict'), 4320, 'the coordinator, once per slot');
  assert.equal(exec(e, 'predict-shard'), 3 * 4320);
  assert.equal(exec(unsharded, 'predict-shard'), 0);
  // A message sent per shard (Class 1), received and deleted (Class 2), and 60 empty polls an hour.
  assert.deepEqual(e.queue, { shards: 3, class1: 12960, class2: 2 * 12960 + 60 * 720 });
  const queue = e.services.find((x) => x.service === 'Queue Storage (LRS)');
  close(queue?.cost, 1.296 * 0.004 + (69120 / 1e4) * 0.004, 'queue');
  // Blob operations: the coordinator reads and writes predict's record; each shard is a predict run of its sites:
  // the same latest-copy and summary shard (all sites fit one), its own record, the champion and 2 states.
  close(e.storage.writes - unsharded.storage.writes, 4320 * (1 + 3 * 3 - 3), 'writes');
  close(e.storage.reads - unsharded.storage.reads, 4320 * (1 + 3 * 6 - 6), 'reads');
  close(e.storage.lists - unsharded.storage.lists, 4320 * (3 * 2 - 2), 'lists');
  // The same forecasts are written to Cosmos DB, sharded or not.
  const ru = (x: typeof e): number =>
    x.services.find((s) => s.service === 'Cosmos DB (serverless)')?.lines[0]?.quantity ?? NaN;
  assert.equal(ru(e), ru(unsharded));
});
