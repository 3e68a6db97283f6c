import type { MetricValue } from './MetricValue';
import { meanOverPairs } from './meanOverPairs';

/** Mean of forecast - observed over the pairs where neither side is NaN: positive means over-forecasting. */
export function bias(forecast: ArrayLike<number>, observed: ArrayLike<number>): MetricValue {
  return meanOverPairs(forecast, observed, (e) => e);
}
