import type { Forecast } from '../../shared/forecast/Forecast';
import type { ForecastStore } from '../../shared/forecast/ForecastStore';

/** An in-memory ForecastStore for unit tests; `failWith` simulates an outage. */
export class MemoryForecastStore implements ForecastStore {
  readonly docs = new Map<string, Forecast>();
  failWith: Error | undefined;

  async upsert(forecast: Forecast): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.docs.set(forecast.id, structuredClone(forecast));
  }

  async upsertMany(forecasts: readonly Forecast[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    for (const f of forecasts) this.docs.set(f.id, structuredClone(f));
  }

  async latest(site: string): Promise<Forecast | undefined> {
    if (this.failWith) throw this.failWith;
    return [...this.docs.values()]
      .filter((f) => f.site === site)
      .sort((a, b) => b.issueTime.localeCompare(a.issueTime))[0];
  }

  async range(site: string, from: Date, to: Date): Promise<Forecast[]> {
    if (this.failWith) throw this.failWith;
    return [...this.docs.values()]
      .filter((f) => f.site === site && f.issueTime >= from.toISOString() && f.issueTime <= to.toISOString())
      .sort((a, b) => a.issueTime.localeCompare(b.issueTime));
  }
}
