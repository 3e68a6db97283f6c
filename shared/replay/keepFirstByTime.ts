import type { ReplayObservation } from './ReplayObservation';

/**
 * Sorts observations by time and keeps the first of each time (ingestion stores a duplicate once, the first write
 * wins); counts the duplicates and those whose values differ from the kept one.
 */
export function keepFirstByTime(observations: readonly ReplayObservation[]): {
  kept: ReplayObservation[];
  duplicates: number;
  conflicts: number;
} {
  const byTime = new Map<number, ReplayObservation>();
  let duplicates = 0;
  let conflicts = 0;
  for (const o of observations) {
    const first = byTime.get(o.observedAt);
    if (!first) {
      byTime.set(o.observedAt, o);
      continue;
    }
    duplicates++;
    const keys = new Set([...Object.keys(first.values), ...Object.keys(o.values)]);
    if ([...keys].some((k) => first.values[k] !== o.values[k])) conflicts++;
  }
  return { kept: [...byTime.values()].sort((a, b) => a.observedAt - b.observedAt), duplicates, conflicts };
}
