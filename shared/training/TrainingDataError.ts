import type { RetryDecision } from '../util/RetryDecision';

/** What went wrong, stable for callers and logs. */
export type TrainingDataErrorCode =
  /** An option is out of range (cadence, window, quantile, fraction). */
  | 'INVALID_OPTIONS'
  /** The dataset builder was not given the history of a source it needs. */
  | 'MISSING_HISTORY';

/** Training data cannot be built as asked. A caller's mistake, so never retried. */
export class TrainingDataError extends Error implements RetryDecision {
  constructor(
    readonly code: TrainingDataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingDataError';
  }

  canRetry(): boolean {
    return false;
  }
}
