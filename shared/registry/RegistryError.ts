import type { RetryDecision } from '../util/RetryDecision';

/** A registry operation was refused: unknown version, nothing to roll back to, a version that already exists. */
export class RegistryError extends Error implements RetryDecision {
  constructor(
    readonly code: 'UNKNOWN_VERSION' | 'NO_PREVIOUS_CHAMPION' | 'VERSION_EXISTS' | 'CORRUPT_MODEL' | 'NO_CHAMPION',
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
  canRetry(): boolean {
    return false;
  }
}
