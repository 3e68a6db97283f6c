import type { RetryDecision } from '../../shared/util/RetryDecision';

/** A fault schedule that cannot be used; every problem is named by its key. Not retryable: fix the setting. */
export class FaultScheduleError extends Error implements RetryDecision {
  readonly code = 'INVALID_FAULT_SCHEDULE';

  constructor(
    message: string,
    /** One line per problem, each starting with the key at fault. */
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'FaultScheduleError';
  }

  canRetry(): boolean {
    return false;
  }
}
