import type { PhaseMemory } from './BenchReport';

/** How often the heap is sampled while a phase runs. */
export const DEFAULT_PEAK_MEMORY_INTERVAL_MS = 20;

/**
 * The peak memory of this process. maxRSS comes from the kernel and is exact; the heap peak is sampled (a timer
 * cannot fire inside a long synchronous step, so callers also `sample()` at the end of each step).
 */
export class PeakMemory {
  private heapPeak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = DEFAULT_PEAK_MEMORY_INTERVAL_MS): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.heapPeak = Math.max(this.heapPeak, process.memoryUsage().heapUsed);
  }

  stop(phase: string): PhaseMemory {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
    // resourceUsage().maxRSS is in kilobytes.
    return { phase, maxRssMb: mb(process.resourceUsage().maxRSS * 1024), heapUsedPeakMb: mb(this.heapPeak) };
  }
}
