/** A stretch of time without observations: an outage that really happened, left as it is. */
export interface Gap {
  /** The last observation before it and the first after it (epoch ms). */
  after: number;
  before: number;
}

/**
 * The gaps of a sorted series of observation times: steps longer than `factor` times the typical (median) step.
 * Nothing is invented to fill them; they are reported because a replay treats them as the outages they were.
 */
export function findGaps(sortedTimes: readonly number[], factor = 1.5): { intervalMs: number; gaps: Gap[] } {
  const steps = sortedTimes.slice(1).map((t, i) => t - (sortedTimes[i] as number));
  if (steps.length === 0) return { intervalMs: 0, gaps: [] };
  const sorted = [...steps].sort((a, b) => a - b);
  const intervalMs = sorted[sorted.length >> 1] as number;
  const gaps: Gap[] = [];
  steps.forEach((s, i) => {
    if (s > factor * intervalMs) gaps.push({ after: sortedTimes[i] as number, before: sortedTimes[i + 1] as number });
  });
  return { intervalMs, gaps };
}
