import type { MonotonicTimer } from './MonotonicTimer';
import { ProviderError } from './ProviderError';
import { backoffBoundMs, type RetryOptions } from './RetryOptions';

/** What a retried call runs on. */
export interface RetryContext {
  timer: MonotonicTimer;
  /** Uniform in [0, 1): the jitter. */
  random: () => number;
  /** On `timer`: no retry starts that could not finish by then, and no request's timeout reaches past it. */
  deadlineMs: number;
  /** The per-request timeout when the budget allows it, ms. */
  timeoutMs: number;
  /** Sees every failed attempt (the ingester quarantines bad page bodies here). */
  onFailure?: (err: ProviderError, attempt: number) => Promise<void>;
  /** Sees every wait before a retry (tests and logs). */
  onRetry?: (delayMs: number, err: ProviderError, retry: number) => void;
}

/**
 * Runs `call` (given the per-request timeout to use) and retries retryable ProviderErrors: after the provider's
 * Retry-After when it sent one (up to maxRetryAfterMs), else after a full-jitter exponential backoff. Gives up -
 * rethrowing the last error, which says how many attempts were made and why - when the retries are used up, when
 * the wait would overrun the deadline, or when the provider asks for a longer wait than this run can afford.
 * Errors that are not ProviderErrors (storage, bugs) pass through untouched.
 */
export async function callWithRetry<T>(
  call: (timeoutMs: number) => Promise<T>,
  options: RetryOptions,
  ctx: RetryContext,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const remaining = ctx.deadlineMs - ctx.timer.nowMs();
    const timeoutMs = Math.max(options.minTimeoutMs, Math.min(ctx.timeoutMs, Math.floor(remaining)));
    try {
      return await call(timeoutMs);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      await ctx.onFailure?.(err, attempt);
      if (!err.canRetry()) {
        err.attempts = attempt;
        throw err;
      }
      if (attempt > options.maxRetries)
        throw err.gaveUp(attempt, `${options.maxRetries} retr${options.maxRetries === 1 ? 'y' : 'ies'} used up`);
      const asked = err.retryAfter();
      if (asked !== undefined && asked > options.maxRetryAfterMs) {
        throw err.gaveUp(
          attempt,
          `the provider asks to retry after ${Math.ceil(asked / 1000)} s, longer than this run waits`,
        );
      }
      const delay = asked ?? Math.floor(ctx.random() * backoffBoundMs(options, attempt));
      // The retry needs its wait and at least the shortest request inside the budget.
      if (ctx.timer.nowMs() + delay + options.minTimeoutMs > ctx.deadlineMs) {
        throw err.gaveUp(attempt, `the time budget leaves no room for another attempt after a ${delay} ms wait`);
      }
      ctx.onRetry?.(delay, err, attempt);
      await ctx.timer.sleep(delay);
    }
  }
}
