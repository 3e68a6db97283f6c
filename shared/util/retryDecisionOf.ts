import { isRetryDecision } from './RetryDecision';

/** The code of a failure that does not implement RetryDecision: a bug, a foreign error, a non-Error throw. */
export const UNCLASSIFIED = 'UNCLASSIFIED';

/** What a caller needs to know to decide about a failure. */
export interface RetryVerdict {
  /** Whether trying again later can help. */
  retryable: boolean;
  /** The error's stable code, or UNCLASSIFIED. */
  code: string;
  /** Milliseconds to wait first, when the failure is retryable and the error knows. */
  retryAfterMs?: number;
}

/**
 * The one place the app decides whether a failure is worth retrying. An error that implements RetryDecision answers
 * for itself. Anything else (a plain Error, a TypeError from a bug, a non-Error throw) is not retryable, with the code
 * UNCLASSIFIED: a bug or an unclassified failure does the same thing again. Never throws (it runs on failure paths).
 */
export function retryDecisionOf(err: unknown): RetryVerdict {
  if (!isRetryDecision(err)) return { retryable: false, code: UNCLASSIFIED };
  let retryable: boolean;
  let wait: number | undefined;
  try {
    retryable = err.canRetry() === true;
    wait = retryable ? err.retryAfter?.() : undefined;
  } catch {
    // An error that cannot say whether it is retryable has a bug of its own: the same call fails again.
    return { retryable: false, code: err.code };
  }
  return typeof wait === 'number' && Number.isFinite(wait) && wait >= 0
    ? { retryable, code: err.code, retryAfterMs: wait }
    : { retryable, code: err.code };
}
