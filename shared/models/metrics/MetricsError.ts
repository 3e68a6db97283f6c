import type { RetryDecision } from '../../util/RetryDecision';

/** Stable codes for inputs a metric refuses. */
export type MetricsErrorCode =
  /** Forecasts and observations differ in length, so pairs would be misaligned. */
  'LENGTH_MISMATCH';

/** A metric was called with unusable input. Not retryable. */
export class MetricsError extends Error implements RetryDecision {
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MetricsError';
  }

  canRetry(): boolean {
    return false;
  }
}
