import type { RetryDecision } from '../util/RetryDecision';

/** A promise of the design would be broken (e.g. an input not yet available at issueTime). A bug, never retried. */
export class PredictionInvariantError extends Error implements RetryDecision {
  readonly code = 'PREDICTION_INVARIANT';
  constructor(message: string) {
    super(message);
    this.name = 'PredictionInvariantError';
  }
  canRetry(): boolean {
    return false;
  }
}
