import type { Clock } from './Clock';

/** Options of a clock that runs `speed` times faster than real time from a chosen start. */
export interface ScaledClockOptions {
  /** Virtual time at `realStartMs`. */
  virtualStart: Date;
  /** Real epoch milliseconds at which the virtual clock read `virtualStart`. */
  realStartMs: number;
  /** Virtual milliseconds per real millisecond (1 = real time). */
  speed: number;
}

/**
 * A virtual clock shared by separate processes: each computes the same time from the same three numbers,
 * so the local host and the simulated providers agree without talking to each other.
 */
export class ScaledClock implements Clock {
  constructor(
    readonly options: ScaledClockOptions,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(options.speed > 0) || !Number.isFinite(options.speed)) {
      throw new RangeError(`clock speed must be a positive number, got ${options.speed}`);
    }
  }

  now(): Date {
    const { virtualStart, realStartMs, speed } = this.options;
    return new Date(virtualStart.getTime() + (this.realNow() - realStartMs) * speed);
  }

  /** Real milliseconds until the virtual clock reaches `t` (0 if it already has). */
  realDelayUntil(t: Date): number {
    return Math.max(0, (t.getTime() - this.now().getTime()) / this.options.speed);
  }
}
