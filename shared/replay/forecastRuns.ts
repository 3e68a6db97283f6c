import { MAX_RUN_OFFSET_MINUTES, runValueKey } from '../sources/forecastRun';
import type { ReplayObservation } from './ReplayObservation';
import type { RunScheduleSpec } from './ReplaySpec';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** One row of a file of runs: the run it belongs to, the valid time of its values, and its line (for errors). */
export interface RunRow {
  runAt: number;
  validAt: number;
  values: Record<string, number>;
  line?: number;
}

/** Why a row could not join its run. */
export class RunRowError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
    this.name = 'RunRowError';
  }
}

/**
 * Groups a file's rows (one per run and valid time) into one record per run, as a forecast source stores it:
 * observedAt = runAt, values keyed `<field>@+<minutes after runAt>`. Rows valid before their run are dropped and
 * counted (a run does not forecast its own past); a second row of the same run and valid time is a duplicate (the
 * first wins, as ingestion stores duplicates once), counted with those whose values differ. Runs oldest first.
 */
export function groupRowsIntoRuns(rows: readonly RunRow[]): {
  runs: ReplayObservation[];
  duplicates: number;
  conflicts: number;
  beforeRun: number;
} {
  const byRun = new Map<number, { values: Record<string, number>; seen: Map<number, Record<string, number>> }>();
  let duplicates = 0;
  let conflicts = 0;
  let beforeRun = 0;
  for (const row of rows) {
    if (row.validAt < row.runAt) {
      beforeRun++;
      continue;
    }
    const offset = (row.validAt - row.runAt) / MINUTE_MS;
    if (!Number.isInteger(offset))
      throw new RunRowError(
        `the valid time is ${offset.toFixed(3)} minutes after the run time; run steps must be whole minutes after runAt`,
        row.line,
      );
    if (offset > MAX_RUN_OFFSET_MINUTES)
      throw new RunRowError(
        `the valid time is ${(offset / 1440).toFixed(1)} days after the run time; a run reaches at most ${MAX_RUN_OFFSET_MINUTES / 1440} days ahead`,
        row.line,
      );
    let run = byRun.get(row.runAt);
    if (!run) {
      run = { values: {}, seen: new Map() };
      byRun.set(row.runAt, run);
    }
    const first = run.seen.get(row.validAt);
    if (first) {
      duplicates++;
      const keys = new Set([...Object.keys(first), ...Object.keys(row.values)]);
      if ([...keys].some((k) => first[k] !== row.values[k])) conflicts++;
      continue;
    }
    run.seen.set(row.validAt, row.values);
    for (const [field, v] of Object.entries(row.values)) run.values[runValueKey(field, offset)] = v;
  }
  const runs = [...byRun.entries()]
    .filter(([, r]) => Object.keys(r.values).length > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([runAt, r]): ReplayObservation => ({ observedAt: runAt, values: r.values }));
  return { runs, duplicates, conflicts, beforeRun };
}

/**
 * Slices one best series per valid time into the runs of a declared schedule, as if each had been issued then:
 * a run at every multiple of `everyHours` (UTC) from the one at or before the first value to the one at or before
 * the last, each holding the series' values for valid times in [runAt, runAt + horizonHours], keyed by minutes
 * after runAt. An approximation: the series is one forecast per valid time, usually the freshest, so the early
 * steps of each run are better than the run really was. Runs without any value (a gap longer than the horizon) are
 * left out. `series` oldest first, one observation per time.
 */
export function sliceSeriesIntoRuns(
  series: readonly ReplayObservation[],
  schedule: Pick<RunScheduleSpec, 'everyHours' | 'horizonHours'>,
): ReplayObservation[] {
  const every = schedule.everyHours * HOUR_MS;
  const horizon = schedule.horizonHours * HOUR_MS;
  const first = series[0];
  const last = series[series.length - 1];
  if (!first || !last || !(every > 0) || !(horizon > 0)) return [];
  const runs: ReplayObservation[] = [];
  let start = 0;
  for (let runAt = Math.floor(first.observedAt / every) * every; runAt <= last.observedAt; runAt += every) {
    while (start < series.length && (series[start] as ReplayObservation).observedAt < runAt) start++;
    const values: Record<string, number> = {};
    for (let i = start; i < series.length; i++) {
      const o = series[i] as ReplayObservation;
      if (o.observedAt > runAt + horizon) break;
      // Whole minutes after runAt (a series stamped with seconds falls between steps: its minute holds it).
      const offset = Math.floor((o.observedAt - runAt) / MINUTE_MS);
      for (const [field, v] of Object.entries(o.values)) {
        const key = runValueKey(field, offset);
        if (!(key in values)) values[key] = v;
      }
    }
    if (Object.keys(values).length > 0) runs.push({ observedAt: runAt, values });
  }
  return runs;
}
