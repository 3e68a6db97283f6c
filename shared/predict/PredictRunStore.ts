import type { RunStatus, StatusStore } from '../storage/StatusStore';
import type { PredictResult } from './predictAll';

/** The name of predict's last-run record in the status store (/api/health shows it as `lastPrediction`). */
export const PREDICT_STATUS = 'predict';

/** The record of predict shard `shard` (0-based) of `shards`: its own catch-up cursor and last run. */
export function predictShardStatus(shard: number, shards: number): string {
  return `predict-shard-${shard + 1}-of-${shards}`;
}

/** The `details` of a successful run's record. */
export interface PredictRunDetails {
  /** The issue slot the run made; the next run catches up the slots after it. */
  issueTime: string;
  caughtUp: string[];
  pending: number;
  flushed: number;
  models: { site: string; model: string; version: string | null }[];
  skipped: PredictResult['skipped'];
}

/** The `details` of a failed run's record: the catch-up cursor carried over (absent when no run has succeeded yet). */
export interface PredictFailureDetails {
  lastGoodIssueTime?: string;
}

/**
 * predict's catch-up cursor and last-run record, kept in its status record (the same JSON as ever, so records
 * written before keep working): a success stores its issue time, a failure carries the last good one over.
 */
export class PredictRunStore {
  /** `name`: the record's name; a predict shard keeps its own ({@link predictShardStatus}). */
  constructor(
    private readonly status: StatusStore,
    private readonly name: string = PREDICT_STATUS,
  ) {}

  /**
   * The issue time of the last successful run, or undefined when there is none. Storage failures are thrown: while
   * Blob Storage is down the run fails (and is retried) rather than forget the slots to catch up.
   */
  async lastIssueTime(): Promise<string | undefined> {
    return lastGoodIssueTime(await this.status.read(this.name));
  }

  /** Records a run that made its slot (ok when no site was skipped); never fails the run. */
  async recordSuccess(result: PredictResult, at: Date): Promise<void> {
    const details: PredictRunDetails = {
      issueTime: result.issueTime,
      caughtUp: result.caughtUp,
      pending: result.pending,
      flushed: result.flushed,
      models: result.forecasts.map((f) => ({ site: f.site, model: f.model.id, version: f.model.version })),
      skipped: result.skipped,
    };
    await this.status.recordQuietly(this.name, {
      at: at.toISOString(),
      ok: result.skipped.length === 0,
      summary: `issue ${result.issueTime}: ${result.forecasts.length} forecast(s), ${result.skipped.length} site(s) skipped`,
      details: { ...details },
    });
  }

  /**
   * Records a failed run with the last good issue time carried over. If the previous record cannot be read nothing
   * is written, so a half-working store never erases what the next run needs to catch up. Never fails.
   */
  async recordFailure(error: unknown, at: Date): Promise<void> {
    const previous = await this.status.read(this.name).then(
      (status) => ({ status }),
      () => undefined,
    );
    if (!previous) return;
    const lastGood = lastGoodIssueTime(previous.status);
    const details: PredictFailureDetails = lastGood === undefined ? {} : { lastGoodIssueTime: lastGood };
    const summary = error instanceof Error ? error.message : String(error);
    await this.status.recordQuietly(this.name, {
      at: at.toISOString(),
      ok: false,
      summary,
      details: { ...details },
    });
  }
}

/** The cursor of a record: a success's `issueTime`, else a failure's `lastGoodIssueTime`; anything but a string is none. */
function lastGoodIssueTime(status: RunStatus | undefined): string | undefined {
  const details = status?.details;
  const issueTime = details?.['issueTime'];
  if (typeof issueTime === 'string') return issueTime;
  const lastGood = details?.['lastGoodIssueTime'];
  return typeof lastGood === 'string' ? lastGood : undefined;
}
