import type { Container } from '@azure/cosmos';
import type { Forecast } from './Forecast';
import { type ForecastStore, ForecastStoreRefusedError, ForecastStoreUnavailableError } from './ForecastStore';

const SYSTEM_PROPS = ['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn'] as const;

/** Forecasts in a Cosmos DB container partitioned by /site. */
export class CosmosForecastStore implements ForecastStore {
  constructor(private readonly container: Container) {}

  async upsert(forecast: Forecast): Promise<void> {
    await this.call('write a forecast', () => this.container.items.upsert(forecast));
  }

  async latest(site: string): Promise<Forecast | undefined> {
    const { resources } = await this.call('read the latest forecast', () =>
      this.container.items
        .query<Forecast>(
          {
            query: 'SELECT TOP 1 * FROM c WHERE c.site = @site ORDER BY c.issueTime DESC',
            parameters: [{ name: '@site', value: site }],
          },
          { partitionKey: site },
        )
        .fetchAll(),
    );
    const first = resources[0];
    return first ? strip(first) : undefined;
  }

  async range(site: string, from: Date, to: Date): Promise<Forecast[]> {
    const { resources } = await this.call('read forecasts', () =>
      this.container.items
        .query<Forecast>(
          {
            query:
              'SELECT * FROM c WHERE c.site = @site AND c.issueTime >= @from AND c.issueTime <= @to ORDER BY c.issueTime ASC',
            parameters: [
              { name: '@site', value: site },
              { name: '@from', value: from.toISOString() },
              { name: '@to', value: to.toISOString() },
            ],
          },
          { partitionKey: site },
        )
        .fetchAll(),
    );
    return resources.map(strip);
  }

  /**
   * Runs one SDK call, mapping what it throws: a refusal (a 4xx status other than 408, 429 and 449) is a
   * ForecastStoreRefusedError; throttling, timeouts, server errors and failures without a status (network) are
   * a ForecastStoreUnavailableError, carrying the SDK's retry-after for a 429.
   */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const status = statusOf(err);
      const message = err instanceof Error ? err.message : String(err);
      if (status !== undefined && status >= 400 && status < 500 && !RETRYABLE_STATUSES.has(status)) {
        throw new ForecastStoreRefusedError(
          what,
          status,
          `Cosmos DB refused to ${what} (HTTP ${status}): ${message}`,
          err,
        );
      }
      throw new ForecastStoreUnavailableError(
        `Cosmos DB could not ${what}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`,
        err,
        retryAfterOf(err),
      );
    }
  }
}

/** 4xx statuses that pass with time: request timeout, too many requests, and Cosmos DB's "retry with" (449). */
const RETRYABLE_STATUSES = new Set([408, 429, 449]);

/** The HTTP status of an SDK error (`ErrorResponse.code`; `statusCode` on some), or undefined for a network failure. */
function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  const status = statusCode ?? code;
  return typeof status === 'number' ? status : undefined;
}

/** The wait the SDK read from a 429's `x-ms-retry-after-ms`, in milliseconds, when present. */
function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { retryAfterInMs, retryAfterInMilliseconds } = err as {
    retryAfterInMs?: unknown;
    retryAfterInMilliseconds?: unknown;
  };
  const ms = retryAfterInMs ?? retryAfterInMilliseconds;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function strip(doc: Forecast): Forecast {
  const copy = { ...doc } as Record<string, unknown>;
  for (const p of SYSTEM_PROPS) delete copy[p];
  return copy as unknown as Forecast;
}
