import type { RetryDecision } from '../util/RetryDecision';

/** What went wrong, stable for callers and logs. */
export type FeatureSpecErrorCode =
  /** A feature spec names a reserved group, repeats a source or field, or has a lead that is not in the future. */
  | 'INVALID_FEATURE_SPEC'
  /** A source or site id is not in the configuration. */
  | 'UNKNOWN_ID';

/** A model's inputs cannot be described as asked. A caller's mistake, so never retried. */
export class FeatureSpecError extends Error implements RetryDecision {
  constructor(
    readonly code: FeatureSpecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FeatureSpecError';
  }

  canRetry(): boolean {
    return false;
  }
}
