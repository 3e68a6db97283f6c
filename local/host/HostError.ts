import type { RetryDecision } from '../../shared/util/RetryDecision';

/** Stable codes of the local host's errors. */
export type HostErrorCode =
  | 'APP_LOAD_FAILED'
  | 'NO_FUNCTIONS'
  | 'UNRESOLVED_SETTING'
  | 'BAD_SCHEDULE'
  | 'BAD_BINDING'
  | 'UNSUPPORTED'
  | 'UNKNOWN_FUNCTION'
  | 'INVOCATION_FAILED';

/** An error of the local Functions host; the message names the function and the bad value. */
export class HostError extends Error implements RetryDecision {
  override readonly name = 'HostError';

  constructor(
    readonly code: HostErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Configuration errors do not heal on their own; only a failed invocation may succeed if run again. */
  canRetry(): boolean {
    return this.code === 'INVOCATION_FAILED';
  }
}
