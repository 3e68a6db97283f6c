import type { Forecast } from './Forecast';
import type { ForecastBlobCopy } from './ForecastBlobCopy';
import { type ForecastStore, ForecastStoreUnavailableError } from './ForecastStore';

export interface LatestForecast {
  forecast: Forecast | undefined;
  /** Where it came from: Cosmos DB, or the blob copy while Cosmos DB does not answer. */
  from: 'cosmos' | 'blob-copy';
}

/** The latest forecast of a site: from Cosmos DB, or from its blob copy when Cosmos DB is unavailable. */
export async function readLatestForecast(
  site: string,
  store: ForecastStore,
  copy: ForecastBlobCopy,
): Promise<LatestForecast> {
  try {
    return { forecast: await store.latest(site), from: 'cosmos' };
  } catch (err) {
    if (!(err instanceof ForecastStoreUnavailableError)) throw err;
    return { forecast: await copy.latest(site), from: 'blob-copy' };
  }
}
