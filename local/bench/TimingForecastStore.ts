import { performance } from 'node:perf_hooks';
import type { Forecast } from '../../shared/forecast/Forecast';
import type { ForecastStore } from '../../shared/forecast/ForecastStore';

/** A ForecastStore that sums the time its writes take (predictAll makes one bulk call per slot, so the sum is wall time). */
export class TimingForecastStore implements ForecastStore {
  /** Milliseconds spent writing since the last reset. */
  upsertMs = 0;

  constructor(private readonly inner: ForecastStore) {}

  reset(): void {
    this.upsertMs = 0;
  }

  async upsert(forecast: Forecast): Promise<void> {
    const t0 = performance.now();
    try {
      await this.inner.upsert(forecast);
    } finally {
      this.upsertMs += performance.now() - t0;
    }
  }

  async upsertMany(forecasts: readonly Forecast[]): Promise<void> {
    const t0 = performance.now();
    try {
      await this.inner.upsertMany(forecasts);
    } finally {
      this.upsertMs += performance.now() - t0;
    }
  }

  latest(site: string): Promise<Forecast | undefined> {
    return this.inner.latest(site);
  }

  range(site: string, from: Date, to: Date): Promise<Forecast[]> {
    return this.inner.range(site, from, to);
  }
}
