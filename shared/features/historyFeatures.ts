import type { HistoryInput } from './FeatureSpec';

const MINUTE_MS = 60_000;

/** How far back (before issueTime, by observedAt) history inputs look: the same day live predict lists. */
export const HISTORY_LOOKBACK_MS = 24 * 3_600_000;

/** One observation of a source's recent history: times in epoch ms. */
export interface RecentObservation {
  observedAt: number;
  availableAt: number;
  values: Record<string, number>;
}

/** The column names of one field's history: previous values, the difference, then the window's mean, min, max. */
export function fieldHistoryNames(source: string, field: string, h: HistoryInput): string[] {
  const names: string[] = [];
  for (let k = 1; k <= h.lastK; k++) names.push(`${source}.${field}@-${k}`);
  if (h.lastK > 0) names.push(`${source}.${field}.diff_1`);
  const w = `${h.windowMinutes}m`;
  names.push(`${source}.${field}.mean_${w}`, `${source}.${field}.min_${w}`, `${source}.${field}.max_${w}`);
  return names;
}

/** The gap columns of a source with history: observations in the window, and the age of the oldest one used. */
export function sourceHistoryNames(source: string, h: HistoryInput): string[] {
  return [`${source}.hist_count_${h.windowMinutes}m`, `${source}.hist_oldest_age_min`];
}

/** A source's history columns: per field (fieldHistoryNames order), then the source's gap columns (sourceHistoryNames). */
export interface HistoryColumns {
  perField: number[][];
  gaps: number[];
}

/**
 * The history columns of one source, in fieldHistoryNames order per field then sourceHistoryNames. `newest` is the
 * newest observation available at issueTime; `recent` any superset of the source's observations available at
 * issueTime (more is ignored: anything available after issueTime, observed after it or after the newest, or observed
 * more than HISTORY_LOOKBACK_MS before issueTime, so every caller gets the same row). Fewer than lastK previous
 * values repeat the oldest one there is (the newest when none): the count and the oldest age tell the model.
 */
export function historyValues(
  fields: readonly string[],
  h: HistoryInput,
  issueTime: number,
  newest: { observedAt: number; values: Record<string, number> },
  recent: readonly RecentObservation[],
): HistoryColumns {
  const earliest = issueTime - HISTORY_LOOKBACK_MS;
  // Loops, not filter/sort/spread chains: predict computes this for every site's history sources at every slot.
  let previous: RecentObservation[] = [];
  let sorted = true;
  for (const r of recent) {
    if (
      r.availableAt <= issueTime &&
      r.observedAt <= issueTime &&
      r.observedAt < newest.observedAt &&
      r.observedAt >= earliest
    ) {
      if (previous.length > 0 && r.observedAt > (previous[previous.length - 1] as RecentObservation).observedAt)
        sorted = false;
      previous.push(r);
    }
  }
  if (!sorted) previous.sort((a, b) => b.observedAt - a.observedAt);
  // Newest first, one per observedAt (the first of equal ones, as the stable sort leaves them).
  let repeated = false;
  for (let i = 1; i < previous.length && !repeated; i++)
    repeated = (previous[i] as RecentObservation).observedAt === (previous[i - 1] as RecentObservation).observedAt;
  if (repeated) {
    const all = previous;
    previous = all.filter((r, i) => i === 0 || r.observedAt !== (all[i - 1] as RecentObservation).observedAt);
  }
  const windowStart = newest.observedAt - h.windowMinutes * MINUTE_MS;
  let inside = 0;
  while (inside < previous.length && (previous[inside] as RecentObservation).observedAt > windowStart) inside++;
  let oldestUsed = newest.observedAt;
  const perField: number[][] = [];
  // The lastK newest previous observations that carry a field (loop and stop: a day of history per slot), reused
  // from field to field.
  const before: RecentObservation[] = [];
  for (const field of fields) {
    const out: number[] = [];
    const now = newest.values[field] as number;
    before.length = 0;
    for (let i = 0; i < previous.length && before.length < h.lastK; i++) {
      const r = previous[i] as RecentObservation;
      if (Number.isFinite(r.values[field])) before.push(r);
    }
    for (let k = 0; k < h.lastK; k++) {
      const r = before[Math.min(k, before.length - 1)];
      out.push(r ? (r.values[field] as number) : now);
      if (r && k < before.length) oldestUsed = Math.min(oldestUsed, r.observedAt);
    }
    if (h.lastK > 0) out.push(now - (out[0] as number));
    // Mean, min and max of the newest value and the window's finite ones, summed in the same order as before.
    let sum = now;
    let min = Math.min(now);
    let max = Math.max(now);
    let count = 1;
    for (let i = 0; i < inside; i++) {
      const r = previous[i] as RecentObservation;
      oldestUsed = Math.min(oldestUsed, r.observedAt);
      const v = r.values[field];
      if (v === undefined || !Number.isFinite(v)) continue;
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      count++;
    }
    out.push(sum / count, min, max);
    perField.push(out);
  }
  return { perField, gaps: [1 + inside, (issueTime - oldestUsed) / MINUTE_MS] };
}

/**
 * The observations of `byObserved` (sorted by observedAt) usable at `t` (available, not observed after it), newest
 * first, back to HISTORY_LOOKBACK_MS before t: what live predict's listing holds, for training and the backtest.
 */
export function recentUsable<R extends RecentObservation>(byObserved: readonly R[], t: number): R[] {
  let lo = 0;
  let hi = byObserved.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((byObserved[mid] as R).observedAt <= t) lo = mid + 1;
    else hi = mid;
  }
  const out: R[] = [];
  for (let i = lo - 1; i >= 0; i--) {
    const r = byObserved[i] as R;
    if (r.observedAt < t - HISTORY_LOOKBACK_MS) break;
    if (r.availableAt <= t) out.push(r);
  }
  return out;
}
