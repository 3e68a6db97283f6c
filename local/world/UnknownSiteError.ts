import type { RetryDecision } from '../../shared/util/RetryDecision';

/** A site id the world does not simulate. Not retryable: the caller asked for the wrong thing. */
export class UnknownSiteError extends Error implements RetryDecision {
  readonly code = 'UNKNOWN_SITE';
  constructor(
    readonly site: string,
    readonly knownSites: readonly string[],
  ) {
    super(`unknown site "${site}"; expected one of ${knownSites.map((s) => `"${s}"`).join(', ')}`);
    this.name = 'UnknownSiteError';
  }

  canRetry(): boolean {
    return false;
  }
}
