import type { Forecast } from './Forecast';
import type { RetryDecision } from '../util/RetryDecision';

/** The port for stored forecasts; adapter: Cosmos DB. */
export interface ForecastStore {
  /** Writes the forecast (same id = same issue slot, so a rerun replaces rather than duplicates). */
  upsert(forecast: Forecast): Promise<void>;
  /**
   * Writes many forecasts in bulk (requests per partition batch, not per forecast). When some are not written it
   * throws: a ForecastStoreRefusedError if any was refused, else a ForecastStoreUnavailableError naming the
   * unwritten ones in `notWritten`.
   */
  upsertMany(forecasts: readonly Forecast[]): Promise<void>;
  /** The forecast with the latest issueTime for the site, or undefined. */
  latest(site: string): Promise<Forecast | undefined>;
  /** Forecasts of a site with issueTime in [from, to], oldest first. */
  range(site: string, from: Date, to: Date): Promise<Forecast[]>;
}

/** The forecast database could not be reached, timed out, failed (5xx) or throttled us (429). Retryable. */
export class ForecastStoreUnavailableError extends Error implements RetryDecision {
  readonly code = 'FORECAST_STORE_UNAVAILABLE';
  constructor(
    message: string,
    override readonly cause?: unknown,
    /** How long the database asked us to wait (a 429's retry-after), in milliseconds. */
    private readonly retryAfterMs?: number,
    /** Of a bulk write: the ids it did not write (the others were); undefined when none is known to be written. */
    readonly notWritten?: readonly string[],
  ) {
    super(message);
    this.name = 'ForecastStoreUnavailableError';
  }
  canRetry(): boolean {
    return true;
  }
  retryAfter(): number | undefined {
    return this.retryAfterMs;
  }
}

/**
 * The forecast database refused the request (HTTP 400, 401, 403, 404, 409, 412, ...): a missing role, a wrong
 * database or container, a malformed document. Not retryable: the same request is refused again until someone fixes it.
 */
export class ForecastStoreRefusedError extends Error implements RetryDecision {
  readonly code = 'FORECAST_STORE_REFUSED';
  constructor(
    /** What was asked, e.g. `write a forecast`. */
    readonly operation: string,
    /** The HTTP status of the refusal. */
    readonly status: number,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ForecastStoreRefusedError';
  }
  canRetry(): boolean {
    return false;
  }
}
