import type { MonotonicTimer } from '../../shared/sources/MonotonicTimer';
import type { FixedClock } from './fixedClock';

/** A MonotonicTimer that never sleeps: `sleep` advances its time (and the app clock, if given) and is recorded. */
export class FakeTimer implements MonotonicTimer {
  /** Every wait asked for, ms, in order. */
  readonly sleeps: number[] = [];
  private t = 0;

  constructor(private readonly clock?: FixedClock) {}

  nowMs(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
  }

  /** Lets time pass (as a slow request would). */
  advance(ms: number): void {
    this.t += ms;
    this.clock?.set(new Date(this.clock.now().getTime() + ms));
  }
}
