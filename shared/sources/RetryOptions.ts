/** How provider calls are retried (exponential backoff with full jitter, inside a time budget). */
export interface RetryOptions {
  /** Retries after the first attempt; 0 makes a single attempt. */
  maxRetries: number;
  /** Upper bound of the delay before the first retry, ms; the delay is uniform in [0, bound] (full jitter). */
  baseDelayMs: number;
  /** The bound doubles with every retry up to this, ms. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for in this run, ms: the call fails (retryably) at once instead. */
  maxRetryAfterMs: number;
  /** The shortest per-request timeout a call gets when little of the budget is left, ms. */
  minTimeoutMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  minTimeoutMs: 1_000,
};

/** The bound of the full-jitter delay before retry number `retry` (1-based). */
export function backoffBoundMs(options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, retry: number): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
}
