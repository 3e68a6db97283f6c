/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** What is awaited, for the timeout message, e.g. `azurite on 127.0.0.1:10000`. */
  description: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between probes. */
  intervalMs?: number;
  /** Checked before each probe: an error stops the wait at once (e.g. the process exited). */
  failFast?: () => Error | undefined;
}

export const DEFAULT_WAIT_FOR_OPTIONS = {
  /** Short enough that start-up is not padded, long enough not to spin. */
  intervalMs: 50,
} as const;

/** {@link waitFor} gave up; `lastError` is what the last probe threw, if it threw. */
export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';
  constructor(
    message: string,
    readonly lastError: unknown,
  ) {
    super(message, { cause: lastError });
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Calls `probe` until it returns a value other than `undefined`. A probe that throws counts as "not yet";
 * `failFast` ends the wait early with its error.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitForOptions): Promise<T> {
  const intervalMs = options.intervalMs ?? DEFAULT_WAIT_FOR_OPTIONS.intervalMs;
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const fatal = options.failFast?.();
    if (fatal) throw fatal;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new WaitTimeoutError(
        `timed out after ${options.timeoutMs} ms waiting for ${options.description}${last}`,
        lastError,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
