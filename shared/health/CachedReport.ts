import type { Clock } from '../time/Clock';

/**
 * The last result of an expensive check, reused while younger than `maxAgeMs` on the given clock; concurrent callers
 * of an expired one share one run. A failed run is not kept: the next caller tries again.
 */
export class CachedReport<T> {
  #value: { at: number; report: T } | undefined;
  #running: Promise<T> | undefined;

  constructor(
    private readonly check: () => Promise<T>,
    private readonly clock: () => Clock,
    private readonly maxAgeMs: number,
  ) {}

  /** The kept report if it is fresh, or a new one. */
  async get(): Promise<T> {
    const now = this.clock().now().getTime();
    const kept = this.#value;
    // A clock that moved backwards (a test, a restarted virtual clock) makes the kept report stale, not eternal.
    if (kept && now >= kept.at && now - kept.at < this.maxAgeMs) return kept.report;
    this.#running ??= this.check()
      .then((report) => {
        this.#value = { at: now, report };
        return report;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }
}
