import { percentile } from './percentile';

/** Latency samples summarized, in milliseconds. */
export interface LatencySummary {
  /** Number of samples. */
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** p50, p99 (nearest rank), mean, min and max of samples in ms, rounded to 0.01 ms. */
export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  for (const s of samplesMs) {
    if (!(Number.isFinite(s) && s >= 0)) throw new RangeError(`latency samples must be finite and >= 0 ms, got ${s}`);
  }
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    n: samplesMs.length,
    p50: round(percentile(samplesMs, 50)),
    p99: round(percentile(samplesMs, 99)),
    mean: round(samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length),
    min: round(Math.min(...samplesMs)),
    max: round(Math.max(...samplesMs)),
  };
}
