import { app, type InvocationContext, type Timer } from '@azure/functions';
import { appServices } from '../shared/runtime/appServices';
import {
  type CompactDeps,
  type CompactedDayResult,
  type CompactOptions,
  compactClosedDays,
  compactOptionsFromSettings,
} from '../shared/sources/compactClosedDays';
import { DAILY_TIMER_RETRY } from './dailyTimerRetry';
import { logFailure } from './logFailure';

/**
 * The handler of `compact`: folds each source's batches of the closed days into one blob per source and day, so
 * training, the backtest and the dashboard read a day in one download instead of one per batch.
 */
export function makeCompactHandler(deps: () => CompactDeps, options?: () => CompactOptions) {
  return async (timer: Timer, context: InvocationContext): Promise<CompactedDayResult[]> => {
    const pastDue = timer.isPastDue ? ' [past due]' : '';
    let results: CompactedDayResult[];
    try {
      results = await compactClosedDays(deps(), options ? options() : compactOptionsFromSettings(process.env));
    } catch (err) {
      // Storage outages pass; a re-run redoes only what is not written (each day is compared by its batches).
      throw logFailure(context, 'compact', err);
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
    const count = (o: CompactedDayResult['outcome']): number => results.filter((r) => r.outcome === o).length;
    context.log(
      `compact: ${count('written')} day(s) written, ${count('up-to-date')} up to date, ${count('empty')} without batches, ` +
        `${count('conflict')} conflict(s)${pastDue}`,
    );
    return results;
  };
}

// Daily, after the late records of the day before have arrived (observations become readable 20-40 min late).
app.timer('compact', {
  schedule: '%COMPACT_SCHEDULE%',
  retry: DAILY_TIMER_RETRY,
  handler: makeCompactHandler(() => appServices()),
});
