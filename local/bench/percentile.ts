/**
 * The nearest-rank percentile of `values` (p in [0, 100]): the smallest value with at least p % of the values at
 * or below it. Nearest rank rather than interpolation, so a p99 of 20 samples is an actual sample (the largest),
 * not a value nobody measured.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
