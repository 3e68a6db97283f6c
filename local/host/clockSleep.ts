import type { Clock } from '../../shared/time/Clock';

/** Longest single setTimeout node accepts; longer waits loop. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Real milliseconds until `clock` reads `t`: a virtual clock knows its speed, any other clock runs at speed 1. */
export function realDelayUntil(clock: Clock, t: Date): number {
  const scaled = clock as Clock & { realDelayUntil?: (t: Date) => number };
  if (typeof scaled.realDelayUntil === 'function') return scaled.realDelayUntil(t);
  return Math.max(0, t.getTime() - clock.now().getTime());
}

/** Waits `ms` real milliseconds, or less if `signal` aborts (never rejects). */
export function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMEOUT_MS));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits until `clock` reads `t` or `signal` aborts. */
export async function sleepUntil(clock: Clock, t: Date, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (signal?.aborted) return;
    const delay = realDelayUntil(clock, t);
    if (delay <= 0) return;
    await sleepReal(Math.ceil(delay), signal);
    if (clock.now().getTime() >= t.getTime()) return;
  }
}
