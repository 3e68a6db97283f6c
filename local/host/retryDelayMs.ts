import type { RpcRetryOptions } from './workerContract';

/**
 * Delay before retry number `retry` (1-based) of a function with a retry policy: fixed, or doubling from the
 * minimum up to the maximum interval (Azure adds jitter; a local host stays deterministic).
 */
export function retryDelayMs(options: RpcRetryOptions, retry: number): number {
  const ms = (d: { seconds?: number | null } | null | undefined): number => (d?.seconds ?? 0) * 1000;
  if (options.retryStrategy === 'exponentialBackoff') {
    const min = ms(options.minimumInterval);
    const max = Math.max(min, ms(options.maximumInterval));
    return Math.min(max, min * 2 ** (retry - 1));
  }
  return ms(options.delayInterval);
}
