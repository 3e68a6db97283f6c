/** A command-line argument of `npm run bench` that cannot be used; the message names the flag and the value. */
export class BenchArgumentError extends Error {
  readonly code = 'BENCH_ARGUMENT';
  constructor(
    /** The flag, e.g. `--days`. */
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = 'BenchArgumentError';
  }
}
