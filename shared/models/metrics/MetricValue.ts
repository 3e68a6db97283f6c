/** A score and how many (forecast, observation) pairs it is computed from. */
export interface MetricValue {
  /** The metric; NaN when no pair was usable. */
  value: number;
  /** Pairs where neither side is NaN; the same pairs for every metric of the same arrays. */
  count: number;
}
