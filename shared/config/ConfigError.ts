import type { RetryDecision } from '../util/RetryDecision';

/** The configuration is missing, unreadable or invalid. Not retryable: fix the configuration. */
export class ConfigError extends Error implements RetryDecision {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    /** Each problem as `path: message`, e.g. `sources[1].kind: ...`. */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  canRetry(): boolean {
    return false;
  }
}
