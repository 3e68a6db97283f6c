import type { StatusStore } from '../storage/StatusStore';
import type { IngestResult } from './ingestSource';

/** The name of a source's last-run record in the status store (/api/health shows it as the source's `lastIngest`). */
export function ingestStatusName(sourceId: string): string {
  return `ingest-${sourceId}`;
}

/** A run's counts in one line: `12 stored, 0 duplicate, 1 quarantined` (and how many came without a value, if any). */
export function summarizeIngest(result: IngestResult): string {
  const withoutValue = result.withoutValue > 0 ? `, ${result.withoutValue} without a value` : '';
  return `${result.stored} stored, ${result.duplicates} duplicate, ${result.quarantined} quarantined${withoutValue}`;
}

/**
 * A source's last-run record, for /api/health: the counts of a run (with the whole result in `details`), a run that
 * made no call as not ok with the reason, or a failure's message. Recording never fails the run.
 */
export class IngestRunStore {
  constructor(
    private readonly status: StatusStore,
    private readonly sourceId: string,
  ) {}

  /** Records a run that read the provider, or that made no call because the source's circuit breaker is open. */
  async recordResult(result: IngestResult, at: Date): Promise<void> {
    const outcome = result.skipped
      ? { ok: false, summary: `skipped: ${result.skipped.reason}` }
      : { ok: true, summary: summarizeIngest(result) };
    await this.status.recordQuietly(ingestStatusName(this.sourceId), {
      at: at.toISOString(),
      ...outcome,
      details: { ...result },
    });
  }

  /** Records a failed run with its message (no details: the watermark, not this record, says where to go on). */
  async recordFailure(error: unknown, at: Date): Promise<void> {
    const summary = error instanceof Error ? error.message : String(error);
    await this.status.recordQuietly(ingestStatusName(this.sourceId), { at: at.toISOString(), ok: false, summary });
  }
}
