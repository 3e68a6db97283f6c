import type { HistoryRecord } from '../features/HistoryRecord';
import { recentUsable } from '../features/historyFeatures';

/** The newest record (by observedAt) usable at a time: available, and not observed after it. */
export class AsOf {
  private readonly byObserved: readonly HistoryRecord[];

  constructor(records: readonly HistoryRecord[]) {
    this.byObserved = [...records].sort((a, b) => a.observedAt - b.observedAt);
  }

  at(t: number): HistoryRecord | undefined {
    // Binary search for the last record observed at or before t, then walk back to the newest one available.
    let lo = 0;
    let hi = this.byObserved.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.byObserved[mid] as HistoryRecord).observedAt <= t) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) {
      const r = this.byObserved[i] as HistoryRecord;
      if (r.availableAt <= t) return r;
    }
    return undefined;
  }

  /** Every record usable at t observed in the day before it, newest first: what live predict lists for history. */
  recent(t: number): HistoryRecord[] {
    return recentUsable(this.byObserved, t);
  }
}
