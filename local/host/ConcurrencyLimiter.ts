/** Runs at most `limit` tasks at a time; the rest wait in arrival order. */
export class ConcurrencyLimiter {
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#running += 1;
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      // The slot passes straight to the next task, so `#running` only drops when the queue is empty.
      if (next !== undefined) next();
      else this.#running -= 1;
    }
  }
}
