import type { MetricValue } from './MetricValue';
import { meanOverPairs } from './meanOverPairs';

/** Root-mean-square error over the pairs where neither side is NaN. */
export function rmse(forecast: ArrayLike<number>, observed: ArrayLike<number>): MetricValue {
  const mse = meanOverPairs(forecast, observed, (e) => e * e);
  return { value: Math.sqrt(mse.value), count: mse.count };
}
