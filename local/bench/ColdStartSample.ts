import type { PhaseMemory } from './BenchReport';

/**
 * One new process's way to its first forecast, in ms. Times since process start come from performance.now(),
 * whose origin is the start of the process.
 */
export interface ColdStartSample {
  /** Process start until the probe's first line runs: Node's own start-up. */
  bootMs: number;
  /** Requiring createServices and predictAll (onnxruntime-node, the Azure SDKs, zod, ...). */
  modulesMs: number;
  /** createServices: configuration read and validated, clients built. */
  servicesMs: number;
  /** The model source's first call: champion pointer, card, every model's bytes, one ONNX session each. */
  modelLoadMs: number;
  /** The first predictAll after that. */
  predictMs: number;
  /** Process start until the first forecast is stored. */
  firstForecastMs: number;
  /** A second predictAll in the same process: warm. */
  secondPredictMs: number;
  /** Models the source served (the version's and the built-in baselines). */
  models: number;
  memory: PhaseMemory;
}
