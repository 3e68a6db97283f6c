import type { RetryOptions } from '@azure/functions';

/**
 * The retry of a daily timer (cost-watch, compact): a run that failed on a passing outage (storage, a throttled API)
 * comes back a few times within the next half hour, well inside its day, instead of waiting for tomorrow's run.
 */
export const DAILY_TIMER_RETRY: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: 3,
  minimumInterval: { minutes: 2 },
  maximumInterval: { minutes: 30 },
};
