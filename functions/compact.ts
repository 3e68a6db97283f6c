import { app, type InvocationContext, type Timer } from '@azure/functions';
import { appServices } from '../shared/runtime/appServices';
import {
  COMPACT_STATUS,
  type CompactDeps,
  type CompactedDayResult,
  type CompactOptions,
  compactClosedDays,
  compactOptionsFromSettings,
  compactSummary,
} from '../shared/sources/compactClosedDays';
import type { StatusStore } from '../shared/storage/StatusStore';
import { DAILY_TIMER_RETRY } from './dailyTimerRetry';
import { logFailure } from './logFailure';

/**
 * The handler of `compact`: folds each source's batches of the closed days into one blob per source and day, so
 * training, the backtest and the dashboard read a day in one download instead of one per batch.
 */
export function makeCompactHandler(deps: () => CompactRunDeps, options?: () => CompactOptions) {
  return async (timer: Timer, context: InvocationContext): Promise<CompactedDayResult[]> => {
    const pastDue = timer.isPastDue ? ' [past due]' : '';
    const d = deps();
    let results: CompactedDayResult[];
    let lookbackDays: number;
    try {
      const opts = options ? options() : compactOptionsFromSettings(process.env);
      lookbackDays = opts.lookbackDays;
      results = await compactClosedDays(d, opts);
    } catch (err) {
      // Storage outages pass; a re-run redoes only what is not written (each day is compared by its batches).
      const failure = logFailure(context, 'compact', err);
      await d.status.recordQuietly(COMPACT_STATUS, {
        at: d.clock.now().toISOString(),
        ok: false,
        summary: failure.message,
      });
      throw failure;
    }
    for (const r of results) {
      if (r.outcome === 'written' && r.replacedCorrupt)
        context.warn(
          `compact: ${r.container}/${r.source} ${r.day}: rebuilt a compacted day that did not parse: ${r.replacedCorrupt}`,
        );
      if (r.outcome === 'conflict')
        context.warn(
          `compact: ${r.container}/${r.source} ${r.day}: written by another run first; the next run folds in the rest`,
        );
    }
    const summary = compactSummary(results);
    context.log(`compact: ${summary}${pastDue}`);
    // Health shows the last run: a compaction that stopped leaves training and the dashboard reading batch by batch.
    const count = (o: CompactedDayResult['outcome']): number => results.filter((r) => r.outcome === o).length;
    await d.status.recordQuietly(COMPACT_STATUS, {
      at: d.clock.now().toISOString(),
      ok: true,
      summary,
      details: {
        written: count('written'),
        upToDate: count('up-to-date'),
        empty: count('empty'),
        conflicts: count('conflict'),
        rebuilt: results.filter((r) => r.outcome === 'written' && r.replacedCorrupt).length,
        // Health judges from it when the next run is overdue (a day falls out of the window).
        lookbackDays,
      },
    });
    return results;
  };
}

/** What the compact handler needs: compaction's own, and the status store its last run is recorded in. */
export interface CompactRunDeps extends CompactDeps {
  status: Pick<StatusStore, 'recordQuietly'>;
}

// Daily, after the late records of the day before have arrived (observations become readable 20-40 min late).
app.timer('compact', {
  schedule: '%COMPACT_SCHEDULE%',
  retry: DAILY_TIMER_RETRY,
  handler: makeCompactHandler(() => appServices()),
});
