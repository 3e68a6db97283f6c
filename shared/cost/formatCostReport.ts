import type { CostInputs } from './CostInputs';
import type { CostEstimate } from './estimateMonthlyCost';
import type { ForecastPathAvailability } from './forecastPathAvailability';
import type { CompositeAvailability } from './compositeAvailability';
import type { PriceTable } from './PriceTable';

/** The cost estimate and the availability as Markdown tables, ready for the README. */
export function formatCostReport(
  inputs: CostInputs,
  estimate: CostEstimate,
  availability: ForecastPathAvailability,
  prices: PriceTable,
  pricesFile: string,
): string {
  const cur = estimate.currency;
  const out: string[] = [];
  out.push('## Expected monthly cost', '');
  out.push(
    `${inputs.sites} site(s), ${inputs.sensorSources} sensor, ${inputs.imageSources} image and ${inputs.forecastSources} forecast source(s), ingest every ${inputs.ingestEveryMinutes} min, ` +
      `a forecast every ${inputs.predictEveryMinutes} min, ${inputs.forecastRequestsPerHour} forecast and ${inputs.healthRequestsPerHour} health requests an hour from other clients, ` +
      `a dashboard open ${qty(inputs.dashboardOpenHoursPerDay)} h a day, ` +
      `${inputs.functionMemoryMb} MB instances, ${inputs.retentionDays} days of observations and ${inputs.imageRetentionDays} of images kept. ` +
      `Prices: ${cur}, ${prices.region}, ${prices.offer}, compiled ${prices.compiledOn} (${pricesFile}).`,
    '',
  );
  out.push(
    `| Service | Billed per month | Before free grants (${cur}) | Expected (${cur}) |`,
    '| --- | --- | ---: | ---: |',
  );
  for (const s of estimate.services) {
    out.push(
      `| ${s.service} | ${s.lines.map((l) => `${qty(l.quantity)} ${l.unit}`).join('; ')} | ${money(s.listCost)} | ${money(s.cost)} |`,
    );
  }
  out.push(`| **Total** | | **${money(estimate.total.listCost)}** | **${money(estimate.total.cost)}** |`);
  out.push(
    `| Always-on alternative: ${estimate.alwaysOn.lines.map((l) => l.item).join(' + ')} | ${estimate.hoursPerMonth} h | ${money(estimate.alwaysOn.cost)} | ${money(estimate.alwaysOn.cost)} |`,
    '',
  );

  out.push(
    '### Line items',
    '',
    `| Service | Item | Quantity | Unit price (${cur}) | Before free grants | Expected |`,
    '| --- | --- | ---: | --- | ---: | ---: |',
  );
  for (const l of estimate.services.flatMap((s) => s.lines)) {
    out.push(
      `| ${l.service} | ${l.item} | ${qty(l.quantity)} ${l.unit} | ${l.price} ${l.priceUnit.replace(/^USD /, '')} | ${money(l.listCost)} | ${money(l.cost)} |`,
    );
  }
  out.push('');

  out.push(
    '### Function executions',
    '',
    '| Function | Executions per month | Billed seconds each | GB-s per month |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const f of estimate.functions)
    out.push(`| ${f.name} | ${qty(f.executionsPerMonth)} | ${f.billedSeconds} | ${qty(f.gbSeconds)} |`);
  out.push('');
  out.push(
    `- Every execution is billed at least 1 s of instance memory (then in 100 ms steps); ${longerThanMinimum(estimate)}, and the sum is an upper bound (concurrent executions on one instance share billed time).`,
    `- "Expected" applies the monthly free grants (Functions ${qty(prices.functions.freeGbSecondsPerMonth.value)} GB-s and ${qty(prices.functions.freeExecutionsPerMonth.value)} executions per subscription, Log Analytics ${prices.logAnalytics.freeGbPerMonth.value} GB per billing account, Event Grid ${qty(prices.eventGrid.freeOperationsPerMonth.value)} operations) as if this app used them alone; "before free grants" is the bill when other apps use them up.`,
    `- ${largestBlobLine(estimate) ? 'The largest' : 'A large'} storage item is an assumption: the Functions host's own blob lease renewals (singleton and timer locks), taken as ${inputs.hostStorageOpsPerHour} an hour and priced as writes; read the real count from the storage account's Transactions metric (API names AcquireLease, RenewLease) and pass it with --set hostStorageOpsPerHour=<n>.`,
    dashboardNote(inputs, estimate),
    ...forecastNote(inputs, estimate),
    `- Application Insights ingestion counts every execution's request record (${inputs.requestTelemetryBytes} bytes; host.json logs successful invocations too, so success rates are visible) and its traces (${inputs.traceBytesPerExecution} bytes): host.json's adaptive sampling only thins telemetry above its maxTelemetryItemsPerSecond, which this app stays far below, so nothing is sampled away. Read the real volume from the workspace's Usage table and pass it with --set requestTelemetryBytes=<n> --set traceBytesPerExecution=<n>.`,
    `- Storage capacity is the steady state once retention is full (${qty(estimate.storage.capacityGb, 2)} GB); the first months cost less. GB are 10^9 bytes.`,
    '- Not priced because free at this size: the budget and its alerts (Cost Management), action-group e-mails (1,000 a month free), managed identities, outbound data under 100 GB a month.',
    `- ${prices.regionNote}`,
    '',
  );

  out.push('## Composite availability', '', '| Service on the forecast path | SLA (monthly) |', '| --- | ---: |');
  for (const s of availability.allServices.services) out.push(`| ${s.service} | ${pct(s.slaPercent)} |`);
  out.push(
    `| **All four, multiplied** | **${pct(availability.allServices.compositePercent, 3)}**: ${downtime(availability.allServices)} |`,
  );
  out.push(
    `| Without Event Grid (the system forecasts without the camera) | ${pct(availability.withoutEventGrid.compositePercent, 3)}: ${downtime(availability.withoutEventGrid)} |`,
  );
  out.push(
    `| Always-on alternative: ${availability.alwaysOn.services[0]?.service ?? 'one VM'} | ${pct(availability.alwaysOn.compositePercent, 3)}: ${downtime(availability.alwaysOn)} |`,
    '',
  );
  out.push(
    `The product of the SLAs assumes independent failures and is the guaranteed floor per month of ${estimate.hoursPerMonth} h, not a measurement. ` +
      'Sources: ' +
      [...new Set(Object.values(prices.sla).map((e) => e.source))]
        .map((k) => `${k} (${prices.sources[k]?.url ?? '?'})`)
        .join('; ') +
      '.',
    '',
  );
  return out.join('\n');
}

/** Whether the host's lease renewals are the dearest blob line (the dashboard's listings can outgrow them). */
function largestBlobLine(estimate: CostEstimate): boolean {
  const lines = estimate.services.find((s) => s.service === 'Blob Storage (hot, LRS)')?.lines ?? [];
  const lease = lines.find((l) => l.unit === 'lease ops');
  return lease !== undefined && lines.every((l) => l.cost <= lease.cost);
}

/** How the dashboard is priced, with its figures, so a reader can redo them. */
function dashboardNote(inputs: CostInputs, estimate: CostEstimate): string {
  const d = estimate.dashboard;
  return (
    `- The dashboard is counted as open ${qty(inputs.dashboardOpenHoursPerDay)} h a day (one viewer; pass --set dashboardOpenHoursPerDay=<hours summed over viewers>), ` +
    `refreshing every ${inputs.dashboardRefreshSeconds} s: ${qty(d.refreshes)} refreshes a month, each one call of /api/dashboard/data that reads ` +
    `${qty(d.readsPerCall)} small blobs (predict's summary shard and the status records) and answers 304 or only what is newer. A page load's first call ` +
    `(${qty(d.calls.windowReads)} a month) also reads the ${qty(inputs.dashboardWindowHours)} h window: its ${qty(d.forecastsPerRange)} forecasts, a Cosmos query taken as ${qty(d.ruPerRange, 1)} RU, ` +
    `${qty(d.listsPerActuals, 2)} blob listings (its day folders in both layouts) and ${qty(d.readsPerActuals, 1)} reads (the target's batches of today, and each earlier day's compacted blob, or its batches before the compact run) on average; plus ${qty(d.calls.page + d.calls.assets)} page and asset loads. ` +
    `predict writes the summary once per run, in ${qty(d.summaryShards)} shard(s).`
  );
}

/** How the forecast sources are counted, with their figures; nothing when there is none. */
function forecastNote(inputs: CostInputs, estimate: CostEstimate): string[] {
  const f = estimate.forecastSources;
  if (inputs.forecastSources === 0) return [];
  return [
    `- Forecast sources (${inputs.forecastSources}): every ingest run asks each provider for the forecast now, ${qty(inputs.forecastRequestsPerRun)} request(s) a run: ${qty(f.providerRequestsPerMonth)} provider requests a month (free for Azure; check the provider's own quota or price per call). ` +
      `A new run every ${qty(inputs.forecastRunEveryHours)} h is stored once per site (${qty(f.runsStoredPerMonth)} runs a month, ${qty(f.runBytes)} bytes each with its metadata); ${inputs.forecastRereads ? "the re-fetches in between are duplicates, settled from the source's recent state" : 'the provider pages only new runs'}` +
      (f.downloadedByReaders
        ? `; at ${qty(inputs.forecastRunValuesBytes)} bytes of values a run does not fit its metadata or the recent state, so every predict and health run downloads it per site.`
        : '.'),
  ];
}

function downtime(a: CompositeAvailability): string {
  const m = a.downtimeMinutesPerMonth;
  return m >= 120
    ? `up to ${(m / 60).toFixed(1)} h of downtime a month`
    : `up to ${m.toFixed(0)} min of downtime a month`;
}

function money(x: number): string {
  return x > 0 && x < 0.005 ? '<0.01' : x.toFixed(2);
}

function qty(x: number, digits = 0): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: x < 10 && digits === 0 ? 3 : digits });
}

function pct(x: number, digits = 2): string {
  return `${x.toFixed(digits)}%`;
}

/** Which functions run longer than the billing minimum (preprocess-image with a page of many pictures), if any. */
function longerThanMinimum(estimate: CostEstimate): string {
  const longer = estimate.functions.filter((f) => f.billedSeconds > 1 && f.executionsPerMonth > 0);
  if (longer.length === 0) return 'the functions here run shorter, so their durations do not change the bill';
  return `${longer.map((f) => `${f.name} (${f.billedSeconds} s)`).join(', ')} run${longer.length === 1 ? 's' : ''} longer; the others run shorter, so their durations do not change the bill`;
}
