// One cold start, in a new process, as a newly started Functions worker makes its first forecast: require the
// app's modules, createServices from app settings (given in the environment), load the champion's models,
// predictAll. Only Node built-ins are loaded before the clock starts; the app's modules are required inside it.
import { performance } from 'node:perf_hooks';
import type { ColdStartSample } from './ColdStartSample';
import { PeakMemory } from './PeakMemory';

const bootMs = performance.now();

async function probe(): Promise<ColdStartSample> {
  const memory = new PeakMemory();
  memory.start();
  const t0 = performance.now();
  const [{ createServices }, { predictAll }] = await Promise.all([
    import('../../shared/runtime/createServices'),
    import('../../shared/predict/predictAll'),
  ]);
  const t1 = performance.now();
  const s = createServices(process.env);
  const t2 = performance.now();
  const models = await s.models.current();
  const t3 = performance.now();
  const deps = {
    config: s.config,
    clock: s.clock,
    observations: s.observations,
    forecasts: s.forecasts,
    blobs: s.blobs,
    models: s.models,
  };
  const first = await predictAll(deps);
  const t4 = performance.now();
  if (first.forecasts.length !== s.config.sites.length)
    throw new Error(
      `the first predictAll made ${first.forecasts.length} forecasts: ${first.skipped.map((k) => k.reason).join('; ')}`,
    );
  await predictAll(deps);
  const t5 = performance.now();
  return {
    bootMs,
    modulesMs: t1 - t0,
    servicesMs: t2 - t1,
    modelLoadMs: t3 - t2,
    predictMs: t4 - t3,
    firstForecastMs: t4,
    secondPredictMs: t5 - t4,
    models: models.length,
    memory: memory.stop('cold start (new process)'),
  };
}

probe().then(
  (sample) => process.send?.({ ok: true, sample }, () => process.exit(0)),
  (err: unknown) =>
    process.send?.({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () =>
      process.exit(0),
    ),
);
