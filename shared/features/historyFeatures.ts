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
  const seen = new Set<number>([newest.observedAt]);
  const previous = recent
    .filter(
      (r) =>
        r.availableAt <= issueTime &&
        r.observedAt <= issueTime &&
        r.observedAt < newest.observedAt &&
        r.observedAt >= earliest,
    )
    .sort((a, b) => b.observedAt - a.observedAt)
    .filter((r) => (seen.has(r.observedAt) ? false : (seen.add(r.observedAt), true)));
  const windowStart = newest.observedAt - h.windowMinutes * MINUTE_MS;
  let inside = 0;
  while (inside < previous.length && (previous[inside] as RecentObservation).observedAt > windowStart) inside++;
  const inWindow = previous.slice(0, inside);
  let oldestUsed = newest.observedAt;
  const perField: number[][] = [];
  for (const field of fields) {
    const out: number[] = [];
    const now = newest.values[field] as number;
    // The lastK newest previous observations that carry the field (loop and stop: a day of history per slot).
    const before: RecentObservation[] = [];
    for (const r of previous) {
      if (before.length >= h.lastK) break;
      if (Number.isFinite(r.values[field])) before.push(r);
    }
    const lags: number[] = [];
    for (let k = 0; k < h.lastK; k++) {
      const r = before[Math.min(k, before.length - 1)];
      lags.push(r ? (r.values[field] as number) : now);
      if (r && k < before.length) oldestUsed = Math.min(oldestUsed, r.observedAt);
    }
    out.push(...lags);
    if (h.lastK > 0) out.push(now - (lags[0] as number));
    const values = [now, ...inWindow.map((r) => r.values[field]).filter((v): v is number => Number.isFinite(v))];
    for (const r of inWindow) oldestUsed = Math.min(oldestUsed, r.observedAt);
    out.push(values.reduce((a, b) => a + b, 0) / values.length, Math.min(...values), Math.max(...values));
    perField.push(out);
  }
  return { perField, gaps: [1 + inWindow.length, (issueTime - oldestUsed) / MINUTE_MS] };
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
