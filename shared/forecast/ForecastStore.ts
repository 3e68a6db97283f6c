import type { Forecast } from './Forecast';

/** The port for stored forecasts; adapter: Cosmos DB. */
export interface ForecastStore {
  /** Writes the forecast (same id = same issue slot, so a rerun replaces rather than duplicates). */
  upsert(forecast: Forecast): Promise<void>;
  /** The forecast with the latest issueTime for the site, or undefined. */
  latest(site: string): Promise<Forecast | undefined>;
  /** Forecasts of a site with issueTime in [from, to], oldest first. */
  range(site: string, from: Date, to: Date): Promise<Forecast[]>;
}

/** The forecast database could not be reached. Retryable. */
export class ForecastStoreUnavailableError extends Error {
  readonly code = 'FORECAST_STORE_UNAVAILABLE';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'ForecastStoreUnavailableError';
  }
  canRetry(): boolean {
    return true;
  }
}
