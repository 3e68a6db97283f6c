/** A task waiting for a slot: higher priority first, then arrival order. */
interface Waiting {
  resolve: () => void;
  priority: number;
  seq: number;
}

/** Runs at most `limit` tasks at a time; the rest wait, highest priority first and in arrival order within one. */
export class ConcurrencyLimiter {
  #running = 0;
  #seq = 0;
  readonly #queue: Waiting[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    if (this.#running >= this.limit)
      await new Promise<void>((resolve) => this.#queue.push({ resolve, priority, seq: this.#seq++ }));
    else this.#running += 1;
    try {
      return await task();
    } finally {
      const next = this.#takeNext();
      // The slot passes straight to the next task, so `#running` only drops when the queue is empty.
      if (next !== undefined) next.resolve();
      else this.#running -= 1;
    }
  }

  #takeNext(): Waiting | undefined {
    let best = -1;
    this.#queue.forEach((w, i) => {
      const b = this.#queue[best];
      if (b === undefined || w.priority > b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
    });
    return best < 0 ? undefined : this.#queue.splice(best, 1)[0];
  }
}
