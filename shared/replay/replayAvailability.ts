import type { HistoryRecord } from '../features/HistoryRecord';
import { delayMinutes } from './delayMinutes';
import type { OutageWindow } from './OutageWindow';
import type { ReplayObservation } from './ReplayObservation';
import type { DelayModelSpec } from './ReplaySpec';
import { seededUnit } from './seededUnit';

const MINUTE_MS = 60_000;

/** How records due during an outage are treated. */
export type BacklogPolicy = 'delivered' | 'lost';

/**
 * The history the system would have stored of a replayed source: each observation available `delay` after it was
 * observed (a draw keyed by seed, source and observedAt), except that one due while its provider is down becomes
 * available when the outage ends (its backlog is read then) or, with `lost`, never. Gaps in the files stay gaps.
 */
export function replayAvailability(
  observations: readonly ReplayObservation[],
  delay: DelayModelSpec,
  outages: readonly OutageWindow[],
  seed: ReadonlyArray<number | string>,
  backlog: BacklogPolicy = 'delivered',
): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  for (const o of observations) {
    let availableAt =
      o.observedAt + Math.round(delayMinutes(delay, seededUnit([...seed, 'delay', o.observedAt])) * MINUTE_MS);
    const down = outages.find((w) => availableAt >= w.from && availableAt < w.to);
    if (down) {
      if (backlog === 'lost') continue;
      availableAt = down.to;
    }
    records.push({ observedAt: o.observedAt, availableAt, values: o.values });
  }
  return records;
}
