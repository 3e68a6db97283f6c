import type { Forecast } from '../../shared/forecast/Forecast';
import type { ForecastStore } from '../../shared/forecast/ForecastStore';

/** An in-memory ForecastStore that keeps each site's latest forecast only, so 10,000 sites cost little memory. */
export class LatestForecastStore implements ForecastStore {
  private readonly bySite = new Map<string, Forecast>();
  /** Forecasts written so far. */
  upserts = 0;

  async upsert(forecast: Forecast): Promise<void> {
    this.upserts++;
    const current = this.bySite.get(forecast.site);
    if (!current || current.issueTime <= forecast.issueTime) this.bySite.set(forecast.site, forecast);
  }

  async upsertMany(forecasts: readonly Forecast[]): Promise<void> {
    for (const f of forecasts) await this.upsert(f);
  }

  async latest(site: string): Promise<Forecast | undefined> {
    return this.bySite.get(site);
  }

  async range(site: string, from: Date, to: Date): Promise<Forecast[]> {
    const f = this.bySite.get(site);
    return f && f.issueTime >= from.toISOString() && f.issueTime <= to.toISOString() ? [f] : [];
  }
}
