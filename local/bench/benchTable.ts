import type { BenchReport, ThroughputFigures } from './BenchReport';
import { DEFAULT_GATHER_CONCURRENCY } from './computePredict';
import { markdownTable } from './markdownTable';
import type { LatencySummary } from './summarizeLatency';

/** The bench report as Markdown: the machine, then latency, throughput, training and memory tables. */
export function benchTable(r: BenchReport): string {
  const m = r.machine;
  const t = r.training;
  const lines: string[] = [];
  lines.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGb} GB, Node ${m.node}, ${m.platform}; load average ${m.loadAverage.join(' / ')} at start. ` +
      `Bench wall time ${r.wallSeconds.toFixed(0)} s (${r.startedAt}).`,
  );
  lines.push('');
  lines.push(
    `**Predict latency, one site** (park-1, ${r.cold.models} ONNX sessions: the champion version's ${t.modelsKept} models + the built-in baselines; warm runs cycle through the last ${r.warm.slots} issue slots). ` +
      'Real stores: Azurite and the Cosmos DB server on this machine; compute only: the same observations held in memory.',
  );
  lines.push('');
  const row = (what: string, timed: string, s: LatencySummary): string[] => [
    what,
    timed,
    String(s.n),
    ms(s.p50),
    ms(s.p99),
  ];
  const w = r.warm;
  const c = r.cold;
  lines.push(
    markdownTable(
      [
        { header: 'predict' },
        { header: 'what is timed' },
        { header: 'n', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'p99 ms', align: 'right' },
      ],
      [
        row(
          'warm, real stores',
          `predictAll: ${w.blobRequestsPerRun.list} blob lists + ${w.blobRequestsPerRun.get} gets + ${w.blobRequestsPerRun.put} puts, choose, ONNX, 1 Cosmos bulk write`,
          w.stores,
        ),
        row('warm, compute only', 'gatherInputs (in memory) + chooseModel + ONNX', w.compute.total),
        row('- gather', 'newest available input and learned staleness limit per source', w.compute.gather),
        row('- choose', 'freshness and feature row', w.compute.choose),
        row('- ONNX', 'one onnxruntime-node run', w.compute.onnx),
        row(
          'cold, new objects in a running process',
          `new runtime, registry, model source, clients; load ${c.models} sessions; predictAll`,
          c.inProcess.total,
        ),
        row(
          '- model load',
          'champion pointer, card, model bytes (sha-256 checked), ONNX sessions',
          c.inProcess.modelLoad,
        ),
        row('cold, new process', 'process start to first forecast stored', c.processStart.firstForecast),
        row('- modules', 'require createServices + predictAll (onnxruntime-node, Azure SDKs)', c.processStart.modules),
        row('- model load', `${c.models} sessions in the new process`, c.processStart.modelLoad),
        row('- first predictAll', 'after the models are loaded', c.processStart.predict),
        row('- second predictAll', 'same process, now warm', c.processStart.secondPredict),
      ],
    ),
  );
  lines.push('');
  lines.push(
    '**Batched throughput**: one predictAll for every site of a configuration with N sites; sites that chose the same model share one ONNX run. ' +
      'Extra sites are copies of the park on a 1 km grid, half of them missing one source (so several models are chosen). ' +
      '`stores`: through Azurite and the Cosmos server; `memory`: the same predictAll over in-memory observation and forecast stores (no I/O), ' +
      'each run split at its first write into reading the recent states (and listing what they do not cover) and computing every forecast, then writing them one by one (blob copy, then upsert); ' +
      `and its compute part alone (gatherInputs ${DEFAULT_GATHER_CONCURRENCY} sites at a time, as predictAll does; then chooseModel, then one ONNX run per model chosen); ` +
      'and the JSON alone of such a run: its recent states decoded and parsed, the blobs it wrote (latest-copy and summary shards) serialized and encoded, no product code: the floor the JSON formats set.',
  );
  lines.push('');
  lines.push(
    markdownTable(
      [
        { header: 'sites' },
        { header: 'path' },
        { header: 'runs', align: 'right' },
        { header: 's per run (median)', align: 'right' },
        { header: 'forecasts/s', align: 'right' },
        { header: 'ONNX batches', align: 'right' },
        { header: 'read + compute / write (upserts) s', align: 'right' },
        { header: 'blob lists / gets / puts', align: 'right' },
        { header: 'compute only: gather / choose / ONNX ms', align: 'right' },
        { header: 'compute only forecasts/s', align: 'right' },
        { header: 'JSON alone: states parsed / blobs written serialized, ms (MB)', align: 'right' },
      ],
      r.throughput.map((x) => throughputRow(x)),
    ),
  );
  lines.push('');
  lines.push(
    `**Training** (trainAndPublish, default options, over ${t.historyDays} days of stored history: ${t.sourceSets} source sets x ${t.families.join(' + ')}):`,
  );
  lines.push('');
  lines.push(
    markdownTable(
      [
        { header: 'rows (train / held out)' },
        { header: 'models kept / trained', align: 'right' },
        { header: 'bundle', align: 'right' },
        { header: 'read history s', align: 'right' },
        { header: 'train + export + parity s', align: 'right' },
        { header: 'compare + publish s', align: 'right' },
        { header: 'total s', align: 'right' },
      ],
      [
        [
          `${t.trainingRows} / ${t.heldOutRows}`,
          `${t.modelsKept} / ${t.modelsTrained}`,
          `${(t.bundleBytes / 1024).toFixed(0)} KiB`,
          t.readSeconds.toFixed(1),
          t.trainSeconds.toFixed(1),
          t.publishSeconds.toFixed(1),
          t.seconds.toFixed(1),
        ],
      ],
    ),
  );
  lines.push('');
  lines.push(
    `History: ${r.history.observations} observations of ${r.history.site} (${r.history.from} .. ${r.history.to}), one blob each through ObservationStore in ${r.history.writeSeconds.toFixed(1)} s ` +
      `(simulated in ${r.history.simulateSeconds.toFixed(1)} s); the recent states of its sources plus ${r.history.extraObservations} recent observations of ${r.history.extraSites} extra sites merged into them ` +
      `(no blobs of their own: predict reads the states) in ${r.history.stateSeconds.toFixed(1)} s.`,
  );
  lines.push('');
  lines.push('**Peak memory per phase**, each phase in a process of its own:');
  lines.push('');
  lines.push(
    markdownTable(
      [{ header: 'phase' }, { header: 'max RSS MB', align: 'right' }, { header: 'heap used peak MB', align: 'right' }],
      r.memory.map((p) => [p.phase, p.maxRssMb.toFixed(0), p.heapUsedPeakMb.toFixed(0)]),
    ),
  );
  for (const n of r.notes) lines.push('', `**Note:** ${n}`);
  return lines.join('\n');
}

function throughputRow(x: ThroughputFigures): string[] {
  return [
    x.sites.toLocaleString('en-US'),
    x.path,
    String(x.runs),
    x.medianSeconds.toFixed(3),
    x.forecastsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 0 }),
    String(x.batches),
    x.split
      ? `${x.split.readComputeSeconds.toFixed(2)} / ${x.split.writeSeconds.toFixed(2)} (${x.split.upsertSeconds.toFixed(2)})`
      : '-',
    x.split ? `${x.split.blobLists} / ${x.split.blobGets} / ${x.split.blobPuts}` : '-',
    x.compute
      ? `${x.compute.gatherMs.toFixed(1)} / ${x.compute.chooseMs.toFixed(1)} / ${x.compute.onnxMs.toFixed(1)}`
      : '-',
    x.compute ? x.compute.forecastsPerSecond.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '-',
    x.json ? `${x.json.parseMs} (${x.json.readMB}) / ${x.json.stringifyMs} (${x.json.writtenMB})` : '-',
  ];
}

/** Milliseconds with sensible precision: 0.123, 12.3, 1234. */
export function ms(v: number): string {
  return v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}
