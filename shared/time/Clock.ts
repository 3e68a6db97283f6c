/** The only way the app reads the time, so tests and the local stack can move it. */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => new Date() };
