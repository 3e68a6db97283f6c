import type { InvocationContext } from '@azure/functions';
import { retryDecisionOf } from '../shared/util/retryDecisionOf';

/**
 * Logs a failure with its code and whether retrying can help (as retryDecisionOf decides), and returns the error to
 * rethrow, e.g. `predict failed (retryable, FORECAST_STORE_UNAVAILABLE): ...`.
 */
export function logFailure(context: InvocationContext, what: string, err: unknown): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  const decision = retryDecisionOf(err);
  const wait = decision.retryAfterMs !== undefined ? `, retry after ${decision.retryAfterMs} ms` : '';
  context.error(
    `${what} failed (${decision.retryable ? 'retryable' : 'not retryable'}, ${decision.code}${wait}): ${error.message}`,
  );
  return error;
}
