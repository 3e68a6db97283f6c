/**
 * The q-quantile of ascending `sorted` values, rounded up to an observed value (numpy's "higher" method): never
 * below the interpolated quantile, which is the safe side for a delay. NaN for no values.
 */
export function upperQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * (sorted.length - 1))));
  return sorted[index] as number;
}
