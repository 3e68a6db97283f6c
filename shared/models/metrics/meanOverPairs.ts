import type { MetricValue } from './MetricValue';
import { MetricsError } from './MetricsError';

/**
 * Mean of `term(forecast - observed)` over the pairs where neither side is NaN. Every metric goes
 * through here, so RMSE, MAE and bias of the same arrays always count the same pairs (a missing
 * observation or a slot without forecast drops out of all of them alike).
 */
export function meanOverPairs(
  forecast: ArrayLike<number>,
  observed: ArrayLike<number>,
  term: (error: number) => number,
): MetricValue {
  if (forecast.length !== observed.length) {
    throw new MetricsError(
      'LENGTH_MISMATCH',
      `${forecast.length} forecasts but ${observed.length} observations; pairs must line up`,
    );
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < forecast.length; i++) {
    const f = forecast[i] as number;
    const o = observed[i] as number;
    if (Number.isNaN(f) || Number.isNaN(o)) continue;
    sum += term(f - o);
    count++;
  }
  return { value: count === 0 ? Number.NaN : sum / count, count };
}
