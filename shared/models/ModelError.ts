import type { RetryDecision } from '../util/RetryDecision';

/** Stable codes for everything that can go wrong building, loading or running a model. */
export type ModelErrorCode =
  /** Model spec: no feature names were given. */
  | 'NO_FEATURES'
  /** Model spec: a feature name appears twice, so its column would be ambiguous. */
  | 'DUPLICATE_FEATURE'
  /** Model spec: the target is not one of the features. */
  | 'UNKNOWN_TARGET'
  /** Model spec: a column the model reads (other than the target) is not one of the features. */
  | 'UNKNOWN_FEATURE'
  /** Model spec: no lead times were given. */
  | 'NO_LEADS'
  /** Model spec: a lead is not a positive integer, or the leads are not strictly increasing. */
  | 'INVALID_LEAD'
  /** Model spec: output limits with min not below max, a bound that is not finite, or a daylight column missing. */
  | 'INVALID_LIMITS'
  /** Model spec: a parameter of a built-in model is out of its range. */
  | 'INVALID_PARAMETER'
  /** The bytes are not an ONNX model that onnxruntime can load. */
  | 'INVALID_MODEL_BYTES'
  /** A valid ONNX model, but not of the shape the port serves (one float [N, F] input, one float output). */
  | 'UNSUPPORTED_MODEL'
  /** The features do not have the width the model was built for. */
  | 'INPUT_WIDTH_MISMATCH'
  /** The row count is not a non-negative integer. */
  | 'INVALID_ROWS'
  /** onnxruntime failed while running the model. */
  | 'INFERENCE_FAILED'
  /** The model was released and can no longer predict. */
  | 'MODEL_RELEASED';

/** A model could not be built, loaded or run. Not retryable: the same bytes and inputs fail the same way. */
export class ModelError extends Error implements RetryDecision {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelError';
  }

  canRetry(): boolean {
    return false;
  }
}
