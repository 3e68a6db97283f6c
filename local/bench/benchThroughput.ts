import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { PersistenceModelSource } from '../../shared/predict/PersistenceModelSource';
import { predictAll, type PredictDeps } from '../../shared/predict/predictAll';
import { RegistryModelSource } from '../../shared/predict/RegistryModelSource';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { ParsedBlobCache } from '../../shared/storage/ParsedBlobCache';
import { ObservationStore } from '../../shared/sources/ObservationStore';
import { type BenchOptions, LARGE_SITE_COUNT } from './BenchOptions';
import type { ThroughputFigures } from './BenchReport';
import { benchSites } from './benchSites';
import type { BenchStores } from './benchStores';
import { computePredict } from './computePredict';
import { jsonVolume } from './jsonVolume';
import { LatestForecastStore } from './LatestForecastStore';
import type { PeakMemory } from './PeakMemory';
import { percentile } from './percentile';
import { TemplateBlobStore } from './TemplateBlobStore';
import { TimingForecastStore } from './TimingForecastStore';
import { WriteStartBlobStore } from './WriteStartBlobStore';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Batched prediction of `sites` sites in one predictAll run (sites that chose the same model share one ONNX run),
 * `throughputRuns` times after an untimed one (`largeRuns` times for more than LARGE_SITE_COUNT sites). `stores`: through Azurite and the Cosmos
 * server, with the observations populateHistory stored for the extra sites. `memory`: the same predictAll over an
 * ObservationStore on a TemplateBlobStore and an in-memory forecast store, then its compute part alone.
 */
export async function benchThroughput(
  stores: BenchStores,
  baseConfig: ForecastConfig,
  sites: number,
  path: 'stores' | 'memory',
  options: BenchOptions,
  memory: PeakMemory,
  log: (line: string) => void,
): Promise<ThroughputFigures> {
  const config = benchSites(baseConfig, sites);
  const slot = new Date(Math.floor(options.end.getTime() / 600_000) * 600_000);
  const clock = { now: () => new Date(slot.getTime() + 30_000) };
  const runtime = new OnnxModelRuntime();
  const models = new RegistryModelSource(
    new ModelRegistry(stores.blobs, clock),
    runtime,
    new PersistenceModelSource(config, runtime),
  );
  let deps: PredictDeps;
  let template: TemplateBlobStore | undefined;
  let timed: WriteStartBlobStore;
  let upserts: TimingForecastStore;
  if (path === 'stores') {
    timed = new WriteStartBlobStore(stores.blobs);
    upserts = new TimingForecastStore(stores.forecasts);
    deps = {
      config,
      clock,
      observations: new ObservationStore(timed),
      forecasts: upserts,
      blobs: timed,
      models,
      parsedBlobs: new ParsedBlobCache(),
    };
  } else {
    template = await TemplateBlobStore.capture(
      stores.blobs,
      config,
      config.sites[0]?.id ?? '',
      new Date(options.end.getTime() - 3 * DAY_MS),
      options.end,
      new Date(options.end.getTime() - options.recentHours * HOUR_MS),
    );
    timed = new WriteStartBlobStore(template);
    upserts = new TimingForecastStore(new LatestForecastStore());
    deps = {
      config,
      clock,
      observations: new ObservationStore(timed),
      forecasts: upserts,
      blobs: timed,
      models,
      parsedBlobs: new ParsedBlobCache(),
    };
  }

  const large = sites > LARGE_SITE_COUNT;
  const runs = large ? options.largeRuns : options.throughputRuns;
  // The untimed first run loads the models, warms connections and the JIT, and writes the latest-copy and summary
  // shards for the first time (a one-off: every later run of a warm instance merges into the shards it wrote).
  const firstTimed = 1;
  const seconds: number[] = [];
  const splits: NonNullable<ThroughputFigures['split']>[] = [];
  let forecasts = 0;
  let batches = 0;
  for (let i = 0; i < firstTimed + runs; i++) {
    timed.reset();
    upserts.reset();
    const before = { ...timed.counts };
    const t0 = performance.now();
    const result = await predictAll(deps);
    const t1 = performance.now();
    const s = (t1 - t0) / 1000;
    const writeAt = timed.writeStartedAt ?? t1;
    splits.push({
      readComputeSeconds: round((writeAt - t0) / 1000, 3),
      writeSeconds: round((t1 - writeAt) / 1000, 3),
      upsertSeconds: round(upserts.upsertMs / 1000, 3),
      blobLists: timed.counts.list - before.list,
      blobGets: timed.counts.get - before.get,
      blobPuts: timed.counts.put - before.put,
    });
    memory.sample();
    if (result.forecasts.length !== sites) {
      throw new Error(
        `predictAll made ${result.forecasts.length} forecasts for ${sites} sites; first skipped: ${result.skipped[0]?.site ?? '-'}: ${result.skipped[0]?.reason ?? '-'}`,
      );
    }
    if (i < firstTimed) continue;
    seconds.push(s);
    forecasts = result.forecasts.length;
    batches = new Set(result.forecasts.map((f) => f.model.id)).size;
    const split = splits.at(-1);
    log(
      `${sites} sites (${path}): run ${i + 1 - firstTimed}/${runs} ${s.toFixed(3)} s (read + compute ${split?.readComputeSeconds} s, write ${split?.writeSeconds} s of which upserts ${split?.upsertSeconds} s; blob lists ${split?.blobLists}, gets ${split?.blobGets}, puts ${split?.blobPuts})`,
    );
  }
  const medianSeconds = percentile(seconds, 50);
  // The split of the median run (the first, untimed one is left out).
  const timedSplits = splits.slice(firstTimed);
  const median = timedSplits[seconds.indexOf(medianSeconds)];
  const figures: ThroughputFigures = {
    sites,
    path,
    runs: seconds.length,
    medianSeconds: round(medianSeconds, 4),
    forecastsPerSecond: round(forecasts / medianSeconds, 1),
    forecasts,
    batches,
    ...(median ? { split: median } : {}),
  };
  if (!template) return figures;

  const candidates = await models.current();
  const parts = { gather: [] as number[], choose: [] as number[], onnx: [] as number[], total: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const t = await computePredict(config, slot, deps.observations, candidates);
    memory.sample();
    parts.gather.push(t.gatherMs);
    parts.choose.push(t.chooseMs);
    parts.onnx.push(t.onnxMs);
    parts.total.push(t.gatherMs + t.chooseMs + t.onnxMs);
  }
  const totalMs = percentile(parts.total, 50);
  const json = await jsonVolume(template, config, runs);
  log(
    `${sites} sites (memory): JSON alone: ${json.readMB} MB of states parsed in ${json.parseMs} ms, ${json.writtenMB} MB written serialized in ${json.stringifyMs} ms`,
  );
  return {
    ...figures,
    json,
    compute: {
      gatherMs: round(percentile(parts.gather, 50), 2),
      chooseMs: round(percentile(parts.choose, 50), 2),
      onnxMs: round(percentile(parts.onnx, 50), 2),
      forecastsPerSecond: round(forecasts / (totalMs / 1000), 1),
    },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
