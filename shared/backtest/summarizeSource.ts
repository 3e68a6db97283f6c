import { findGaps } from '../replay/findGaps';
import type { OutageWindow } from '../replay/OutageWindow';
import type { ReplayedHistory } from '../replay/ReplayedHistory';
import type { HistoryRecord } from '../features/HistoryRecord';
import type { BacktestSourceSummary } from './BacktestReport';
import type { PlannedSource } from './BacktestPlan';
import { replayDelayOf } from '../replay/ReplaySpec';
import type { RunReplayStats } from '../replay/ReplayStats';
import { AsOf } from './AsOf';

const MINUTE_MS = 60_000;
/** The report lists this many rejected files per source; the count says how many there were. */
const MAX_REJECTED_LISTED = 20;

/**
 * What the report says of one replayed source: its files, gaps, delays as replayed, and outages; for a forecast
 * source, where its runs came from and how old the newest available run was at the test issue times.
 */
export function summarizeSource(
  source: PlannedSource,
  replayed: ReplayedHistory,
  normal: readonly HistoryRecord[],
  windows: readonly OutageWindow[],
  test: { from: Date; to: Date },
  trainingLimitMinutes: number,
  issueTimes: readonly number[] = [],
): BacktestSourceSummary {
  const { intervalMs, gaps } = findGaps(replayed.observations.map((o) => o.observedAt));
  const longest = gaps.reduce<(typeof gaps)[number] | undefined>(
    (a, g) => (!a || g.before - g.after > a.before - a.after ? g : a),
    undefined,
  );
  const delays = normal.map((r) => (r.availableAt - r.observedAt) / MINUTE_MS).sort((a, b) => a - b);
  const q = (p: number): number => round(delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] as number);
  const inTest = windows.reduce(
    (s, w) => s + Math.max(0, Math.min(w.to, test.to.getTime()) - Math.max(w.from, test.from.getTime())),
    0,
  );
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    id: source.id,
    kind: source.kind,
    replay: source.spec.replay.kind,
    path: source.shownAs,
    stats: { ...replayed.stats, rejected: replayed.stats.rejected.slice(0, MAX_REJECTED_LISTED) },
    intervalMinutes: round(intervalMs / MINUTE_MS),
    gaps: {
      count: gaps.length,
      // Minutes without data beyond the usual interval.
      minutes: round(gaps.reduce((s, g) => s + g.before - g.after - intervalMs, 0) / MINUTE_MS),
      longest: longest ? { from: iso(longest.after), to: iso(longest.before) } : null,
    },
    delay: {
      model: replayDelayOf(source.spec),
      observedMinutes: delays.length === 0 ? null : { min: q(0), median: q(0.5), p90: q(0.9), max: q(1) },
    },
    outages: {
      model: source.spec.outages.kind,
      backlog: source.spec.backlog,
      windows: windows.map((w) => ({ from: iso(w.from), to: iso(w.to) })),
      minutesInTest: round(inTest / MINUTE_MS),
    },
    trainingStalenessLimitMinutes: trainingLimitMinutes,
    ...(replayed.stats.runs ? { runs: runsSummary(replayed.stats.runs, normal, issueTimes) } : {}),
  };
}

/** How the report names the origin of a forecast source's runs. */
export function runsOriginText(runs: Pick<RunReplayStats, 'from' | 'schedule'>): string {
  const s = runs.schedule;
  if (runs.from === 'run-column' || !s) return "runs from the file's run-time column";
  return (
    `declared run schedule every ${s.everyHours} h, available ${s.availableAfterMinutes} min after, ${s.horizonHours} h horizon` +
    ' — an approximation: the series is one best forecast per valid time, sliced as if issued then'
  );
}

function runsSummary(
  runs: RunReplayStats,
  normal: readonly HistoryRecord[],
  issueTimes: readonly number[],
): NonNullable<BacktestSourceSummary['runs']> {
  // The newest run available at each test issue time (delays only, as "all sources fresh" serves), and its age.
  const asOf = new AsOf(normal);
  const ages: number[] = [];
  for (const t of issueTimes) {
    const r = asOf.at(t);
    if (r) ages.push((t - r.observedAt) / MINUTE_MS);
  }
  ages.sort((a, b) => a - b);
  const m = ages.length >> 1;
  const median = ages.length % 2 ? (ages[m] as number) : ((ages[m - 1] as number) + (ages[m] as number)) / 2;
  return {
    from: runs.from,
    ...(runs.schedule ? { schedule: runs.schedule } : {}),
    description: runsOriginText(runs),
    count: runs.count,
    validBeforeRunDropped: runs.validBeforeRunDropped,
    ageAtIssueMinutes:
      ages.length === 0
        ? null
        : { median: round(median), max: round(ages[ages.length - 1] as number), slots: ages.length },
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
