import type { RetryDecision } from '../../shared/util/RetryDecision';

/** The Bicep compiler could not be restored or run. Not retryable as is: the message says what to fix. */
export class BicepToolError extends Error implements RetryDecision {
  constructor(
    /** DOTNET_MISSING, UNSUPPORTED_PLATFORM, RESTORE_FAILED, BINARY_MISSING or BICEP_FAILED. */
    readonly code: 'DOTNET_MISSING' | 'UNSUPPORTED_PLATFORM' | 'RESTORE_FAILED' | 'BINARY_MISSING' | 'BICEP_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'BicepToolError';
  }
  canRetry(): boolean {
    return false;
  }
}
