import type { RetryDecision } from '../../shared/util/RetryDecision';

/**
 * A request the provider refuses: carries the HTTP status, a stable code and a message naming the bad value, and
 * for a bad query parameter its name, so a client can tell what to fix.
 */
export class ProviderRequestError extends Error implements RetryDecision {
  constructor(
    readonly status: 400 | 401 | 404 | 405,
    readonly code: 'BAD_PARAMETER' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED',
    message: string,
    /** The query parameter at fault, for BAD_PARAMETER. */
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'ProviderRequestError';
  }

  /** The same request will fail again; only a 404 for a not-yet-published image may succeed later. */
  canRetry(): boolean {
    return false;
  }

  /** The JSON body sent to the client. */
  toBody(): { error: string; code: string; parameter?: string } {
    return this.parameter === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, parameter: this.parameter };
  }
}
