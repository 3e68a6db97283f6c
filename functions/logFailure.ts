import type { InvocationContext } from '@azure/functions';

/** Logs a failure with whether the platform will retry it, and returns the error to rethrow. */
export function logFailure(context: InvocationContext, what: string, err: unknown): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  const retry = typeof (error as { canRetry?: unknown }).canRetry === 'function' ? (error as unknown as { canRetry(): boolean }).canRetry() : true;
  context.error(`${what} failed (${retry ? 'retryable' : 'not retryable'}): ${error.message}`);
  return error;
}
