import type { RetryDecision } from '../../util/RetryDecision';

/** Stable codes for data, options or models a trainer or predictor refuses. */
export type TrainingErrorCode =
  /** rows/cols are not positive integers, or an array's length does not match them. */
  | 'INVALID_SHAPE'
  /** X or y holds NaN or +-Infinity; the message names the row and column. */
  | 'NON_FINITE_VALUE'
  /** An option is out of its range; the message names the option and the value. */
  | 'INVALID_OPTION'
  /** The normal equations have no unique solution (collinear columns with alpha = 0). */
  | 'SINGULAR_SYSTEM'
  /** A model object is malformed (e.g. edited JSON): bad child index, feature index or non-float32 threshold. */
  | 'INVALID_MODEL';

/** Training or prediction was given bad input. Not retryable: the same input fails the same way. */
export class TrainingError extends Error implements RetryDecision {
  constructor(
    readonly code: TrainingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingError';
  }

  canRetry(): boolean {
    return false;
  }
}
