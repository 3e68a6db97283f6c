import type { BulkOperationResult, Container, JSONObject, OperationInput } from '@azure/cosmos';
import { mapLimit } from '../util/mapLimit';
import type { Forecast } from './Forecast';
import { type ForecastStore, ForecastStoreRefusedError, ForecastStoreUnavailableError } from './ForecastStore';

const SYSTEM_PROPS = ['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn'] as const;

/** Forecasts in a Cosmos DB container partitioned by /site. */
export class CosmosForecastStore implements ForecastStore {
  constructor(
    private readonly container: Container,
    /** Up to this many forecasts are written one request each (at once) rather than in a bulk call. */
    private readonly singleRequestsUpTo = SINGLE_REQUESTS_UP_TO,
  ) {}

  async upsert(forecast: Forecast): Promise<void> {
    await this.call('write a forecast', () => this.container.items.upsert(forecast));
  }

  /**
   * One bulk call: the SDK groups the operations by partition key range, up to 100 per request, and retries
   * throttled ones itself. It holds each call for at least a second while it fills partial batches, so a run
   * makes one call, never one per forecast; a few forecasts (a small portfolio, each slot of a catch-up) are written
   * one request each, at once, instead of paying that second per slot.
   */
  async upsertMany(forecasts: readonly Forecast[]): Promise<void> {
    if (forecasts.length === 0) return;
    const failed: ({ forecast: Forecast } & OperationFailure)[] = [];
    if (forecasts.length <= this.singleRequestsUpTo) {
      await mapLimit(forecasts, this.singleRequestsUpTo, async (forecast) => {
        try {
          await this.container.items.upsert(forecast);
        } catch (err) {
          const retryAfterMs = retryAfterOf(err);
          failed.push({
            forecast,
            status: statusOf(err),
            message: err instanceof Error ? err.message : String(err),
            cause: err,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          });
        }
      });
    } else {
      const operations: OperationInput[] = forecasts.map((f) => ({
        operationType: 'Upsert',
        partitionKey: f.site,
        // A Forecast is plain JSON; its interfaces lack the index signature JSONObject asks for.
        resourceBody: f as unknown as JSONObject,
      }));
      const results = await this.call('write forecasts', () => this.container.items.executeBulkOperations(operations));
      forecasts.forEach((forecast, i) => {
        const failure = failureOf(results[i]);
        if (failure) failed.push({ forecast, ...failure });
      });
    }
    if (failed.length === 0) return;
    const others = failed.length > 1 ? ` (${failed.length - 1} more not written)` : '';
    const refused = failed.find((f) => isRefusal(f.status));
    if (refused?.status !== undefined) {
      throw new ForecastStoreRefusedError(
        'write a forecast',
        refused.status,
        `Cosmos DB refused to write the forecast of ${refused.forecast.site} at ${refused.forecast.issueTime} (HTTP ${refused.status}): ${refused.message}${others}`,
        refused.cause,
      );
    }
    const first = failed[0] as (typeof failed)[number];
    const waits = failed.flatMap((f) => (f.retryAfterMs === undefined ? [] : [f.retryAfterMs]));
    throw new ForecastStoreUnavailableError(
      `Cosmos DB could not write the forecast of ${first.forecast.site} at ${first.forecast.issueTime}${first.status === undefined ? '' : ` (HTTP ${first.status})`}: ${first.message}${others}`,
      first.cause,
      waits.length > 0 ? Math.max(...waits) : undefined,
      failed.map((f) => f.forecast.id),
    );
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
      if (isRefusal(status)) {
        throw new ForecastStoreRefusedError(
          what,
          status as number,
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

/** A few forecasts are written one request each: a bulk call holds at least a second, a request ~10 ms. */
export const SINGLE_REQUESTS_UP_TO = 16;

/** 4xx statuses that pass with time: request timeout, too many requests, and Cosmos DB's "retry with" (449). */
const RETRYABLE_STATUSES = new Set([408, 429, 449]);

function isRefusal(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && !RETRYABLE_STATUSES.has(status);
}

/**
 * Why one bulk operation failed, or undefined when it succeeded. A missing result counts as a failure without a
 * status (retryable): the forecast must not be taken as written.
 */
function failureOf(result: BulkOperationResult | undefined): OperationFailure | undefined {
  if (!result) return { status: undefined, message: 'no result for the operation', cause: result };
  if (result.error) {
    const retryAfterMs = retryAfterOf(result.error);
    return {
      status: statusOf(result.error),
      message: result.error.message,
      cause: result.error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  const status = result.response?.statusCode;
  if (status === undefined || status >= 400)
    return { status, message: `operation answered HTTP ${status}`, cause: result.response };
  return undefined;
}

interface OperationFailure {
  /** HTTP status, or undefined for a failure without one (network). */
  status: number | undefined;
  message: string;
  /** What the SDK reported. */
  cause: unknown;
  retryAfterMs?: number;
}

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
