/** Counts work that is running or queued, so callers can wait for the host to go quiet. */
export class WorkTracker {
  #pending = 0;
  #waiters: (() => void)[] = [];

  /** Work currently running or queued. */
  get pending(): number {
    return this.#pending;
  }

  /** Marks one unit of work as started; call the returned function (once) when it is done. */
  begin(): () => void {
    this.#pending += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#pending -= 1;
      if (this.#pending === 0) {
        // A microtask later, so work that chains into new work keeps the host busy without a gap.
        queueMicrotask(() => this.#wake());
      }
    };
  }

  /** Resolves when nothing is running or queued. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    if (this.#pending !== 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach((wake) => wake());
  }
}
