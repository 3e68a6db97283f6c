import { setTimeout as sleepReal } from 'node:timers/promises';
import type { Clock } from '../time/Clock';

/**
 * Real elapsed time and waiting, for time budgets and backoff: the function timeout is in real seconds whatever the
 * app clock says (the local stack's clock runs faster). Tests inject a fake that advances without sleeping.
 */
export interface MonotonicTimer {
  /** Milliseconds on a clock that never goes back. */
  nowMs(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** performance.now() and setTimeout. */
export const REAL_TIMER: MonotonicTimer = {
  nowMs: () => performance.now(),
  sleep: async (ms) => {
    await sleepReal(ms);
  },
};

/**
 * Real elapsed time, but waits that pass on the app clock: a provider's Retry-After and our backoff are in the
 * providers' time, which in the local stack is a virtual clock running faster (a virtual clock knows its speed
 * through `realDelayUntil`, as the local host's timers use it). On the wall clock this is REAL_TIMER.
 */
export function clockPacedTimer(clock: Clock): MonotonicTimer {
  const scaled = clock as Clock & { realDelayUntil?: (t: Date) => number };
  return {
    nowMs: REAL_TIMER.nowMs,
    sleep: async (ms) => {
      const real =
        typeof scaled.realDelayUntil === 'function' ? scaled.realDelayUntil(new Date(clock.now().getTime() + ms)) : ms;
      await sleepReal(Math.max(0, Math.ceil(real)));
    },
  };
}
