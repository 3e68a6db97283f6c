import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { PersistenceModelSource } from '../../shared/predict/PersistenceModelSource';
import { predictAll } from '../../shared/predict/predictAll';
import { RegistryModelSource } from '../../shared/predict/RegistryModelSource';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { ObservationStore } from '../../shared/sources/ObservationStore';
import type { BenchOptions } from './BenchOptions';
import { benchStores } from './benchStores';
import type { PeakMemory } from './PeakMemory';
import type { StoreSettings } from './StoreSettings';
import { summarizeLatency, type LatencySummary } from './summarizeLatency';
import { TrackingModelRuntime } from './TrackingModelRuntime';

/** What the in-process cold runs measured. */
export interface ColdInProcess {
  total: LatencySummary;
  modelLoad: LatencySummary;
  /** Sessions each cold run created. */
  models: number;
}

/**
 * Cold predict inside one process, `coldRuns` times: new store clients, a new OnnxModelRuntime, ModelRegistry and
 * RegistryModelSource, as a newly started worker builds them; the model source's first call loads every model of
 * the champion version (and the built-in baselines), then predictAll runs. One untimed run first, so the figures are of
 * loading models, not of Node loading modules (the process-start figures cover that).
 */
export async function benchPredictCold(
  settings: StoreSettings,
  config: ForecastConfig,
  options: BenchOptions,
  memory: PeakMemory,
  log: (line: string) => void,
): Promise<ColdInProcess> {
  const slot = new Date(Math.floor(options.end.getTime() / 600_000) * 600_000);
  const clock = { now: () => new Date(slot.getTime() + 30_000) };
  const total: number[] = [];
  const load: number[] = [];
  let models = 0;
  for (let i = 0; i <= options.coldRuns; i++) {
    const stores = benchStores(settings);
    const runtime = new TrackingModelRuntime(new OnnxModelRuntime());
    try {
      const t0 = performance.now();
      const registry = new ModelRegistry(stores.blobs, clock);
      const source = new RegistryModelSource(registry, runtime, new PersistenceModelSource(config, runtime));
      await source.current();
      const t1 = performance.now();
      const result = await predictAll({
        config,
        clock,
        observations: new ObservationStore(stores.blobs),
        forecasts: stores.forecasts,
        blobs: stores.blobs,
        models: source,
      });
      const t2 = performance.now();
      if (source.lastError) throw new Error(`the champion did not load: ${source.lastError}`);
      if (result.forecasts.length !== 1)
        throw new Error(
          `cold predictAll made ${result.forecasts.length} forecasts: ${result.skipped.map((s) => s.reason).join('; ')}`,
        );
      models = runtime.loaded.length;
      memory.sample();
      if (i === 0) continue;
      total.push(t2 - t0);
      load.push(t1 - t0);
    } finally {
      await runtime.releaseAll();
      stores.dispose();
    }
  }
  log(`cold predict in process: ${total.length} runs of ${models} sessions`);
  return { total: summarizeLatency(total), modelLoad: summarizeLatency(load), models };
}
