import { type CostedFunction, type CostInputs, predictShardCount } from './CostInputs';
import { type DashboardUsage, dashboardUsage } from './dashboardUsage';
import type { PriceEntry, PriceTable } from './PriceTable';
import { DEFAULT_RUN_OPERATIONS_OPTIONS, imageBatches, runOperations } from './runOperations';

/** One billed quantity: what, how much in a month, at which price, and what it costs before and after free grants. */
export interface CostLine {
  service: ServiceName;
  item: string;
  quantity: number;
  unit: string;
  /** The price entry applied (value per `priceUnit`). */
  price: number;
  priceUnit: string;
  /** Cost at list price, before any free grant. */
  listCost: number;
  /** Cost after the monthly free grant, if the meter has one. */
  cost: number;
}

export type ServiceName =
  | 'Functions (Flex Consumption)'
  | 'Blob Storage (hot, LRS)'
  | 'Cosmos DB (serverless)'
  | 'Log Analytics / Application Insights'
  | 'Event Grid (system topic)'
  | 'Queue Storage (LRS)';

export interface ServiceCost {
  service: ServiceName;
  listCost: number;
  cost: number;
  lines: CostLine[];
}

/** How often a function runs in a month and what that bills. */
export interface FunctionUsage {
  name: CostedFunction;
  executionsPerMonth: number;
  /** Billed seconds of one execution (the 1 s minimum, then 100 ms steps). */
  billedSeconds: number;
  gbSeconds: number;
}

export interface CostEstimate {
  currency: string;
  hoursPerMonth: number;
  functions: FunctionUsage[];
  services: ServiceCost[];
  total: { listCost: number; cost: number };
  alwaysOn: { vmSize: string; lines: { item: string; cost: number }[]; cost: number };
  storage: { capacityGb: number; writes: number; hostOps: number; reads: number; lists: number };
  /** Queue operations: predict's shard messages sent (Class 1), and received, deleted and polled for (Class 2). */
  queue: { shards: number; class1: number; class2: number };
  /** What the open dashboards add (already in the figures above). */
  dashboard: DashboardUsage;
  /** What the forecast sources add (already in the figures above), and the requests they make of their providers. */
  forecastSources: ForecastSourceUsage;
}

/**
 * The expected monthly cost of a deployment at list prices. Free grants are applied as if this app were the only
 * user of them in its subscription / billing account. Storage capacity is the steady state once retention is full.
 */
export function estimateMonthlyCost(inputs: CostInputs, prices: PriceTable): CostEstimate {
  const H = prices.hoursPerMonth;
  const days = H / 24;
  const perHour = (everyMinutes: number): number => 60 / everyMinutes;
  const obsPerDay = perHour(inputs.publishEveryMinutes) * 24;

  // Executions: an ingest run reads one source for all sites; predict forecasts all sites in one run.
  const dash = dashboardUsage(inputs, H);
  // preprocess-image runs once per manifest: one per page of pictures an image source's ingest run stores.
  const batches = imageBatches(inputs);
  const shards = predictShardCount(inputs);
  const executions: Record<CostedFunction, number> = {
    'ingest-sensor': inputs.sensorSources * perHour(inputs.ingestEveryMinutes) * H,
    'ingest-image': inputs.imageSources * perHour(inputs.ingestEveryMinutes) * H,
    'ingest-forecast': inputs.forecastSources * perHour(inputs.ingestEveryMinutes) * H,
    'preprocess-image': inputs.imageSources * batches.pagesPerRun * perHour(inputs.ingestEveryMinutes) * H,
    predict: perHour(inputs.predictEveryMinutes) * H,
    // Sharded, one execution per shard and slot.
    'predict-shard': shards > 1 ? shards * perHour(inputs.predictEveryMinutes) * H : 0,
    forecast: inputs.forecastRequestsPerHour * H,
    actuals: 0,
    health: inputs.healthRequestsPerHour * H,
    dashboard: dash.calls.page,
    'dashboard-assets': dash.calls.assets,
    'dashboard-data': dash.calls.data,
    'cost-watch': days,
    compact: days,
  };
  const fx = prices.functions;
  const billedMs = (ms: number): number =>
    Math.max(fx.minimumBillableMs.value, Math.ceil(ms / fx.billingIncrementMs.value) * fx.billingIncrementMs.value);
  const memoryGb = inputs.functionMemoryMb / 1024;
  const functions: FunctionUsage[] = (Object.keys(executions) as CostedFunction[]).map((name) => {
    const n = executions[name];
    const seconds = billedMs(durationMs(inputs, name, batches.picturesPerBatch)) / 1000;
    let gbSeconds = n * seconds * memoryGb;
    if (name === 'predict') {
      const extra =
        (billedMs(inputs.durationsMs.predict + inputs.coldStartExtraMs) - billedMs(inputs.durationsMs.predict)) / 1000;
      gbSeconds += inputs.coldStartsPerDay * days * extra * memoryGb;
    }
    return { name, executionsPerMonth: n, billedSeconds: seconds, gbSeconds };
  });
  const totalExecutions = sum(functions.map((f) => f.executionsPerMonth));
  const totalGbSeconds = sum(functions.map((f) => f.gbSeconds));

  // Blob operations: executions x what one execution asks of Blob Storage (runOperations, counted from the code and
  // checked against Azurite by test/integration/costCounts.test.ts).
  const forecast = forecastUsage(inputs, H);
  const perRun = runOperations(inputs, {
    ...DEFAULT_RUN_OPERATIONS_OPTIONS,
    listsPerActuals: dash.listsPerActuals,
    readsPerActuals: dash.readsPerActuals,
    summaryShards: dash.summaryShards,
    dashboardReadsPerCall: dash.readsPerCall,
  });
  const functionNames = Object.keys(executions) as CostedFunction[];
  // Deletes (the image run's inbox entries) are free.
  const monthly = (kind: 'writes' | 'reads' | 'lists'): number =>
    sum(functionNames.map((name) => executions[name] * perRun[name][kind]));
  const hostOps = inputs.hostStorageOpsPerHour * H;
  // Every blob the app writes (observations, pictures, features, recent states, watermarks, status records, the
  // forecast blob copy).
  const writes = monthly('writes');
  const reads =
    monthly('reads') +
    // The blob trigger's download of each manifest (the host's, outside the app's BlobStore).
    executions['preprocess-image'] +
    // A dashboard page load's window: the target's batches of those days.
    dash.calls.windowReads * dash.readsPerActuals;
  const lists =
    monthly('lists') +
    // A dashboard page load's window: the target's day folders in both layouts.
    dash.calls.windowReads * dash.listsPerActuals;
  const capacityGb =
    (inputs.sensorSources * inputs.sites * obsPerDay * inputs.retentionDays * inputs.observationBytes +
      inputs.imageSources * inputs.sites * obsPerDay * inputs.retentionDays * inputs.featureBytes +
      inputs.imageSources * inputs.sites * obsPerDay * inputs.imageRetentionDays * inputs.imageBytes +
      (forecast.runsStoredPerMonth / days) * inputs.retentionDays * forecast.runBytes +
      (inputs.modelStoreMb + inputs.deploymentPackageMb) * 1e6) /
    1e9;

  const latestQueries = executions.forecast + executions.health;
  // Per document written: predict's bulk write saves requests (one per partition batch of up to 100), not RU.
  const ruPerMonth =
    executions.predict * inputs.sites * inputs.cosmosRuPerWrite +
    latestQueries * inputs.cosmosRuPerRead +
    dash.calls.windowReads * dash.ruPerRange;
  const cosmosGb =
    (inputs.sites * perHour(inputs.predictEveryMinutes) * 24 * inputs.forecastRetentionDays * inputs.forecastBytes) /
    1e9;
  // Every execution's request record and traces: sampling keeps them all at this app's rate (host.json).
  const logGb =
    (totalExecutions * (inputs.requestTelemetryBytes + inputs.traceBytesPerExecution)) / 1e9 +
    (inputs.hostTelemetryMbPerDay * days) / 1000;
  // Every blob written is an ingress event; each manifest is also delivered (one delivery per preprocess-image execution).
  const eventGridOps = writes + executions['preprocess-image'];
  // A shard's message is sent once (Class 1), then received and deleted (Class 2), besides the empty polls; sharded,
  // health reads the queue's and the poison queue's message counts (Class 2).
  const queue = {
    shards,
    class1: executions['predict-shard'],
    class2: 2 * executions['predict-shard'] + inputs.queuePollsPerHour * H + (shards > 1 ? 2 * executions.health : 0),
  };

  const b = prices.blobStorage;
  const services: ServiceCost[] = [
    service('Functions (Flex Consumption)', [
      line(
        'Functions (Flex Consumption)',
        'on-demand execution time',
        totalGbSeconds,
        'GB-s',
        fx.onDemandPerGbSecond,
        1,
        fx.freeGbSecondsPerMonth.value,
      ),
      line(
        'Functions (Flex Consumption)',
        'executions',
        totalExecutions,
        'executions',
        fx.onDemandPerMillionExecutions,
        1e6,
        fx.freeExecutionsPerMonth.value,
      ),
    ]),
    service('Blob Storage (hot, LRS)', [
      line('Blob Storage (hot, LRS)', 'capacity (steady state)', capacityGb, 'GB-month', b.capacityPerGbMonth, 1),
      line('Blob Storage (hot, LRS)', 'write operations (blobs the app writes)', writes, 'writes', b.writePer10k, 1e4),
      // An assumption to measure (storage Transactions metric, API names AcquireLease/RenewLease), priced as writes, the dearer class.
      line(
        'Blob Storage (hot, LRS)',
        `Functions host lease renewals (assumed ${inputs.hostStorageOpsPerHour}/h)`,
        hostOps,
        'lease ops',
        b.writePer10k,
        1e4,
      ),
      line('Blob Storage (hot, LRS)', 'list operations', lists, 'lists', b.listPer10k, 1e4),
      line('Blob Storage (hot, LRS)', 'read operations', reads, 'reads', b.readPer10k, 1e4),
    ]),
    service('Cosmos DB (serverless)', [
      line('Cosmos DB (serverless)', 'request units', ruPerMonth, 'RU', prices.cosmosDb.perMillionRu, 1e6),
      line('Cosmos DB (serverless)', 'storage', cosmosGb, 'GB-month', prices.cosmosDb.storagePerGbMonth, 1),
    ]),
    service('Log Analytics / Application Insights', [
      line(
        'Log Analytics / Application Insights',
        'ingestion',
        logGb,
        'GB',
        prices.logAnalytics.perGbIngested,
        1,
        prices.logAnalytics.freeGbPerMonth.value,
      ),
    ]),
    service('Event Grid (system topic)', [
      line(
        'Event Grid (system topic)',
        'operations (every blob created + manifest deliveries)',
        eventGridOps,
        'operations',
        prices.eventGrid.perMillionOperations,
        1e6,
        prices.eventGrid.freeOperationsPerMonth.value,
      ),
    ]),
    service('Queue Storage (LRS)', [
      line(
        'Queue Storage (LRS)',
        `predict shard messages sent (${shards} shard(s) a slot)`,
        queue.class1,
        'Class 1 operations',
        prices.queueStorage.class1Per10k,
        1e4,
      ),
      line(
        'Queue Storage (LRS)',
        `messages received and deleted, and polls (assumed ${inputs.queuePollsPerHour}/h)`,
        queue.class2,
        'Class 2 operations',
        prices.queueStorage.class2Per10k,
        1e4,
      ),
    ]),
  ];

  const a = prices.alwaysOn;
  const alwaysOnLines = [
    { item: `${a.vmSize} VM, always on (${H} h)`, cost: a.vmPerHour.value * H },
    { item: 'OS disk', cost: a.osDiskPerMonth.value },
    { item: 'public IP', cost: a.publicIpPerHour.value * H },
  ];
  return {
    currency: prices.currency,
    hoursPerMonth: H,
    functions,
    services,
    total: { listCost: sum(services.map((s) => s.listCost)), cost: sum(services.map((s) => s.cost)) },
    alwaysOn: { vmSize: a.vmSize, lines: alwaysOnLines, cost: sum(alwaysOnLines.map((l) => l.cost)) },
    storage: { capacityGb, writes, hostOps, reads, lists },
    queue,
    dashboard: dash,
    forecastSources: forecast,
  };
}

/** One execution's duration: preprocess-image's grows with the pictures of its batch, the others' are fixed. */
function durationMs(inputs: CostInputs, name: CostedFunction, picturesPerBatch: number): number {
  const ms = inputs.durationsMs[name];
  return name === 'preprocess-image' ? ms + Math.max(0, picturesPerBatch - 1) * inputs.preprocessMsPerPicture : ms;
}

/** Largest values JSON ingestion copies into a blob's metadata (ObservationStore: Azure allows 8 KB of metadata in all). */
const METADATA_VALUES_BYTES = 4096;
/** A stored record's JSON around its values (source, site, observedAt, availableAt) and its other metadata, bytes. */
const RECORD_ENVELOPE_BYTES = 300;

/** What the forecast sources do in a month (already in the figures of the estimate). */
export interface ForecastSourceUsage {
  /** Requests to the forecast providers: per ingest run, per site when the request names the site. Not billed by Azure; some providers count them. */
  providerRequestsPerMonth: number;
  /** Runs stored: one per site and source each time the provider has a new run. */
  runsStoredPerMonth: number;
  /** One stored run: its JSON, and its values again in the metadata when they fit, bytes. */
  runBytes: number;
  /** The values do not fit the metadata, so predict and health download the run. */
  downloadedByReaders: boolean;
}

function forecastUsage(inputs: CostInputs, hoursPerMonth: number): ForecastSourceUsage {
  const ingestRuns = inputs.forecastSources * (60 / inputs.ingestEveryMinutes) * hoursPerMonth;
  // A run cycle shorter than the ingest period cannot be stored more often than ingestion reads.
  const runsPerHour = Math.min(1 / inputs.forecastRunEveryHours, 60 / inputs.ingestEveryMinutes);
  const inMetadata = inputs.forecastRunValuesBytes <= METADATA_VALUES_BYTES;
  return {
    providerRequestsPerMonth: ingestRuns * inputs.forecastRequestsPerRun,
    runsStoredPerMonth: inputs.forecastSources * inputs.sites * runsPerHour * hoursPerMonth,
    runBytes: inputs.forecastRunValuesBytes * (inMetadata ? 2 : 1) + RECORD_ENVELOPE_BYTES,
    downloadedByReaders: !inMetadata,
  };
}

function line(
  service: ServiceName,
  item: string,
  quantity: number,
  unit: string,
  price: PriceEntry,
  per: number,
  free = 0,
): CostLine {
  return {
    service,
    item,
    quantity,
    unit,
    price: price.value,
    priceUnit: price.unit,
    listCost: (quantity / per) * price.value,
    cost: (Math.max(0, quantity - free) / per) * price.value,
  };
}

function service(name: ServiceName, lines: CostLine[]): ServiceCost {
  return { service: name, lines, listCost: sum(lines.map((l) => l.listCost)), cost: sum(lines.map((l) => l.cost)) };
}

function sum(xs: number[]): number {
  return xs.reduce((a, x) => a + x, 0);
}
