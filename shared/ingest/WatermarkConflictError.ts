import type { RetryDecision } from '../util/RetryDecision';

/**
 * Another run of the same source created its watermark first, so this run stops without advancing it. Retryable:
 * the next run starts from the watermark the other run wrote.
 */
export class WatermarkConflictError extends Error implements RetryDecision {
  readonly code = 'WATERMARK_CONFLICT';
  constructor(readonly source: string) {
    super(`watermark of "${source}" was created by a concurrent run; this run stops without advancing it`);
    this.name = 'WatermarkConflictError';
  }
  canRetry(): boolean {
    return true;
  }
}
