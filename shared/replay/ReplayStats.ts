import type { RunScheduleSpec } from './ReplaySpec';

/** How a forecast source's file became runs. */
export interface RunReplayStats {
  /** `run-column`: the file's run times; `schedule`: one series per valid time sliced into declared runs. */
  from: 'run-column' | 'schedule';
  /** The declared schedule (from `schedule`). */
  schedule?: RunScheduleSpec;
  /** Runs kept (records). */
  count: number;
  /** Rows whose valid time is before their run time, left out. */
  validBeforeRunDropped: number;
}

/** What reading one source's history found, for the report. */
export interface ReplayStats {
  /** Files read (1 for a CSV; the pictures of an image folder). */
  files: number;
  /** Observations kept. */
  records: number;
  /** Observations with the time of an earlier one: the first is kept, as ingestion stores duplicates once. */
  duplicates: number;
  /** Of those, how many had other values than the kept one. */
  conflicts: number;
  /** Rows without any value (a gap, not an observation). */
  emptyRows: number;
  /** Value cells that were empty or a missing-value marker. */
  missingCells: number;
  /** Files whose names do not match the pattern (image folders). */
  ignored: number;
  /** Files or rows left out, with the reason (pictures that are corrupt, truncated, not of a format we decode...). */
  rejected: { item: string; reason: string }[];
  /** Per field: the unit in the file, the unit used, and the factor applied. */
  units: Record<string, { from: string; to: string; factor: number }>;
  /** A forecast source's runs: how they were made (absent for other sources). */
  runs?: RunReplayStats;
  /** First and last observation (a forecast source: its first and last runAt), ISO. */
  range: { from: string; to: string } | null;
}
