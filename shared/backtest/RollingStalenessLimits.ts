import type { ForecastConfig } from '../config/ForecastConfig';
import { learnStalenessLimit, type StalenessLimit } from '../features/learnStalenessLimit';
import { DEFAULT_DELAY_MODEL_OPTIONS } from '../features/DelayModel';
import type { HistoryRecord } from '../features/HistoryRecord';
import { isLiveRecord } from '../features/isLiveRecord';

const HOUR_MS = 3_600_000;

/**
 * Each source's staleness limit at an issue time as live prediction learns it (gatherInputs): from the records of
 * the last `hours` that were available by then, live ones only, through learnStalenessLimit; the configured limit
 * when there is one. So a backlog delivered late after an outage moves the limit exactly as it would live.
 */
export class RollingStalenessLimits {
  private readonly byAvailable: Map<string, HistoryRecord[]>;

  constructor(
    private readonly config: ForecastConfig,
    history: ReadonlyMap<string, readonly HistoryRecord[]>,
    private readonly hours = 24,
  ) {
    this.byAvailable = new Map(
      config.sources.map((s) => [s.id, [...(history.get(s.id) ?? [])].sort((a, b) => a.availableAt - b.availableAt)]),
    );
  }

  at(t: number): Map<string, StalenessLimit> {
    const from = t - this.hours * HOUR_MS;
    const out = new Map<string, StalenessLimit>();
    for (const source of this.config.sources) {
      const records = this.byAvailable.get(source.id) ?? [];
      const recent: HistoryRecord[] = [];
      // Observed in the window implies available after its start: start the scan there.
      for (
        let i = lowerBound(records, from);
        i < records.length && (records[i] as HistoryRecord).availableAt <= t;
        i++
      ) {
        const r = records[i] as HistoryRecord;
        if (r.observedAt >= from && r.observedAt <= t && isLiveRecord(r, DEFAULT_DELAY_MODEL_OPTIONS)) recent.push(r);
      }
      out.set(source.id, learnStalenessLimit(recent, source.stalenessLimitMinutes));
    }
    return out;
  }
}

function lowerBound(records: readonly HistoryRecord[], availableAt: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((records[mid] as HistoryRecord).availableAt < availableAt) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
