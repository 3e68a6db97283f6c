import type { MetricValue } from './MetricValue';
import { meanOverPairs } from './meanOverPairs';

/** Mean absolute error over the pairs where neither side is NaN. */
export function mae(forecast: ArrayLike<number>, observed: ArrayLike<number>): MetricValue {
  return meanOverPairs(forecast, observed, Math.abs);
}
