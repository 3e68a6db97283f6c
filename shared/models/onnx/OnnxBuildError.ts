import type { RetryDecision } from '../../util/RetryDecision';

/** Stable codes for a graph the builder refuses to emit; each is a programming error in the caller. */
export type OnnxBuildErrorCode =
  'DUPLICATE_NAME' | 'UNKNOWN_TENSOR' | 'BAD_SHAPE' | 'BAD_VALUE' | 'MISSING_OPSET' | 'EMPTY_GRAPH';

/** The graph being built is inconsistent. Not retryable: the calling code builds a wrong graph. */
export class OnnxBuildError extends Error implements RetryDecision {
  constructor(
    readonly code: OnnxBuildErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OnnxBuildError';
  }

  canRetry(): boolean {
    return false;
  }
}
