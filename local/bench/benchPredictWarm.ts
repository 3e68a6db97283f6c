import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { PersistenceModelSource } from '../../shared/predict/PersistenceModelSource';
import { predictAll } from '../../shared/predict/predictAll';
import { RegistryModelSource } from '../../shared/predict/RegistryModelSource';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { ObservationStore } from '../../shared/sources/ObservationStore';
import type { BenchOptions } from './BenchOptions';
import type { WarmFigures } from './BenchReport';
import type { BenchStores } from './benchStores';
import { computePredict } from './computePredict';
import { type BlobRequestCounts, CountingBlobStore } from './CountingBlobStore';
import { issueSlots } from './issueSlots';
import type { PeakMemory } from './PeakMemory';
import { summarizeLatency } from './summarizeLatency';
import { TemplateBlobStore } from './TemplateBlobStore';

/** Issue slots cycled through: the last six hours of the history. */
const SLOTS = 36;
/** Untimed runs first: the first loads the models, the next ones let the JIT settle. */
const WARM_UP_RUNS = 3;
const DAY_MS = 86_400_000;

/**
 * Warm predict of one site: predictAll with its real dependencies (ObservationStore over Azurite, the Cosmos
 * forecast store, the registry's champion through RegistryModelSource) in a process that has already served,
 * cycling through the issue slots of the last six hours; then the compute part alone over the same observations
 * held in memory.
 */
export async function benchPredictWarm(
  stores: BenchStores,
  config: ForecastConfig,
  options: BenchOptions,
  memory: PeakMemory,
  log: (line: string) => void,
): Promise<WarmFigures> {
  const slots = issueSlots(options.end, config.forecast.cadenceMinutes, SLOTS);
  let now = slots[0] as Date;
  const clock = { now: () => new Date(now.getTime() + 30_000) };
  const runtime = new OnnxModelRuntime();
  const blobs = new CountingBlobStore(stores.blobs);
  const registry = new ModelRegistry(blobs, clock);
  const models = new RegistryModelSource(registry, runtime, new PersistenceModelSource(config, runtime));
  const deps = { config, clock, observations: new ObservationStore(blobs), forecasts: stores.forecasts, blobs, models };

  const samples: number[] = [];
  const modelsChosen: Record<string, number> = {};
  let counted: BlobRequestCounts | undefined;
  for (let i = 0; i < WARM_UP_RUNS + options.warmRuns; i++) {
    now = slots[i % slots.length] as Date;
    if (i === WARM_UP_RUNS) counted = { ...blobs.counts };
    const t0 = performance.now();
    const result = await predictAll(deps);
    const ms = performance.now() - t0;
    const forecast = result.forecasts[0];
    if (!forecast)
      throw new Error(
        `predictAll made no forecast at ${now.toISOString()}: ${result.skipped.map((s) => s.reason).join('; ')}`,
      );
    if (i < WARM_UP_RUNS) continue;
    samples.push(ms);
    modelsChosen[forecast.model.id] = (modelsChosen[forecast.model.id] ?? 0) + 1;
  }
  const start = counted ?? blobs.counts;
  const perRun = (k: keyof BlobRequestCounts): number =>
    Math.round(((blobs.counts[k] - start[k]) / options.warmRuns) * 10) / 10;
  if (models.lastError) throw new Error(`the champion did not load: ${models.lastError}`);
  memory.sample();
  log(`warm predict through the stores: ${samples.length} runs`);

  const template = await TemplateBlobStore.capture(
    stores.blobs,
    config,
    config.sites[0]?.id ?? '',
    new Date(options.end.getTime() - 3 * DAY_MS),
    options.end,
    new Date(options.end.getTime() - options.recentHours * 3_600_000),
  );
  const observations = new ObservationStore(template);
  const candidates = await models.current();
  const parts = { total: [] as number[], gather: [] as number[], choose: [] as number[], onnx: [] as number[] };
  for (let i = 0; i < WARM_UP_RUNS + options.warmRuns; i++) {
    const t = await computePredict(config, slots[i % slots.length] as Date, observations, candidates);
    if (t.forecasts !== 1)
      throw new Error(
        `the compute path made ${t.forecasts} forecasts for one site at ${(slots[i % slots.length] as Date).toISOString()}`,
      );
    if (i < WARM_UP_RUNS) continue;
    parts.total.push(t.gatherMs + t.chooseMs + t.onnxMs);
    parts.gather.push(t.gatherMs);
    parts.choose.push(t.chooseMs);
    parts.onnx.push(t.onnxMs);
  }
  memory.sample();
  log(`warm predict, compute only: ${parts.total.length} runs`);
  return {
    stores: summarizeLatency(samples),
    blobRequestsPerRun: { list: perRun('list'), get: perRun('get'), put: perRun('put'), delete: perRun('delete') },
    compute: {
      total: summarizeLatency(parts.total),
      gather: summarizeLatency(parts.gather),
      choose: summarizeLatency(parts.choose),
      onnx: summarizeLatency(parts.onnx),
    },
    slots: SLOTS,
    modelsChosen,
  };
}
