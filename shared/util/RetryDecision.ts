/**
 * What an error of ours says about itself: a stable code, and whether trying again later can help (the contract of
 * influxdb-client-js's `RetriableDecision`). Every error class of the app implements it; callers decide through
 * `retryDecisionOf`, never by inspecting an error themselves.
 */
export interface RetryDecision {
  /** Stable and upper snake case (e.g. `FORECAST_STORE_UNAVAILABLE`): logs, health and tests rely on it. */
  readonly code: string;
  /** True when the same call may succeed later (an outage, throttling, a lost race); false when it fails the same way again. */
  canRetry(): boolean;
  /** Milliseconds to wait before trying again, when the error knows (a Retry-After); undefined otherwise. */
  retryAfter?(): number | undefined;
}

/** Whether `err` implements RetryDecision: an object with a string `code`, a `canRetry` method and, if any, a `retryAfter` method. */
export function isRetryDecision(err: unknown): err is RetryDecision {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; canRetry?: unknown; retryAfter?: unknown };
  return (
    typeof e.code === 'string' &&
    typeof e.canRetry === 'function' &&
    (e.retryAfter === undefined || typeof e.retryAfter === 'function')
  );
}
