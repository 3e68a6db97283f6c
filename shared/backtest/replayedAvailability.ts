import type { HistoryRecord } from '../features/HistoryRecord';
import type { OutageWindow } from '../replay/OutageWindow';
import { outageWindows } from '../replay/outageWindows';
import type { ReplayedHistory } from '../replay/ReplayedHistory';
import { replayAvailability } from '../replay/replayAvailability';
import { replayDelayOf } from '../replay/ReplaySpec';
import type { BacktestPlan } from './BacktestPlan';

const MINUTE_MS = 60_000;

/** When each replayed observation became available, per source id, as the backtest decides it. */
export interface ReplayedAvailability {
  /** Delays only (gaps in the files stay): the "all sources fresh" world and the persistence reference. */
  normal: Map<string, HistoryRecord[]>;
  /** Delays and outages: what the system would have stored (models train on it, as they would in operation). */
  faulted: Map<string, HistoryRecord[]>;
  /** Each source's outage windows, drawn over the span of every file. */
  windows: Map<string, OutageWindow[]>;
}

/**
 * The availability of every source of a plan's replays: each observation's seeded delay (seed, source id,
 * observedAt), and the outage windows drawn over the span the files cover. One definition, so the backtest and
 * anything that serves the same history as live providers would (the local replay provider) agree record by record.
 */
export function replayedAvailability(
  plan: Pick<BacktestPlan, 'seed' | 'sources'>,
  replays: ReadonlyMap<string, ReplayedHistory>,
): ReplayedAvailability {
  const span = { from: Number.POSITIVE_INFINITY, to: Number.NEGATIVE_INFINITY };
  for (const h of replays.values()) {
    // Sorted by time: the first and last observation bound each source.
    span.from = Math.min(span.from, h.observations[0]?.observedAt ?? Number.POSITIVE_INFINITY);
    span.to = Math.max(
      span.to,
      (h.observations[h.observations.length - 1]?.observedAt ?? Number.NEGATIVE_INFINITY) + MINUTE_MS,
    );
  }
  const windows = new Map(
    plan.sources.map((s) => [s.id, outageWindows(s.spec.outages, span.from, span.to, [plan.seed, s.id, 'outages'])]),
  );
  const observationsOf = (id: string): ReplayedHistory['observations'] => replays.get(id)?.observations ?? [];
  const normal = new Map(
    plan.sources.map((s) => [
      s.id,
      replayAvailability(observationsOf(s.id), replayDelayOf(s.spec), [], [plan.seed, s.id]),
    ]),
  );
  const faulted = new Map(
    plan.sources.map((s) => [
      s.id,
      replayAvailability(
        observationsOf(s.id),
        replayDelayOf(s.spec),
        windows.get(s.id) ?? [],
        [plan.seed, s.id],
        s.spec.backlog,
      ),
    ]),
  );
  return { normal, faulted, windows };
}
