import type { RetryDecision } from '../../util/RetryDecision';

/** Stable codes for models or metadata an exporter refuses. */
export type ExportErrorCode =
  /** No per-lead models were given. */
  | 'NO_LEADS'
  /** The number of per-lead models differs from meta.leadsMinutes. */
  | 'LEAD_COUNT_MISMATCH'
  /** A model's width differs from meta.featureNames. */
  | 'FEATURE_COUNT_MISMATCH'
  /** The metadata is unusable: empty or duplicate names, bad leads, wrong kind, a reserved extra key. */
  | 'INVALID_META'
  /** A model holds a value that cannot be written faithfully (non-finite weight, broken tree). */
  | 'INVALID_MODEL';

/** An ONNX file could not be exported. Not retryable: the same models fail the same way. */
export class ExportError extends Error implements RetryDecision {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }

  canRetry(): boolean {
    return false;
  }
}
