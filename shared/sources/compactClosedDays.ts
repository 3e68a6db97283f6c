import { ConfigError } from '../config/ConfigError';
import type { ForecastConfig } from '../config/ForecastConfig';
import type { BlobStore } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { type CompactDayOutcome, compactDay } from './compactDay';
import { observationContainer } from './observationBlobs';

/** How far back compaction looks. */
export interface CompactOptions {
  /** Closed UTC days before today compacted each run: yesterday and the ones before it, so late batches are folded in. */
  lookbackDays: number;
}

export const DEFAULT_COMPACT_OPTIONS: CompactOptions = { lookbackDays: 3 };

/**
 * How long after a compact run the next must have come: with a lookback of L days, after L - 1 days without a run
 * the oldest closed day it has not compacted is in the window of one more run only (a day at least, plus two hours of
 * retries). With the default 3 days: 50 hours, so one missed night is not reported. A weekly schedule looks back 8
 * days (7 cover every day with no slack for one late run), and is then not reported either.
 */
export function compactOverdueMs(lookbackDays: number): number {
  return Math.max(lookbackDays - 1, 1) * DAY_MS + 2 * 3_600_000;
}

/** The status record of the compact timer (`state/status/compact.json`), which /api/health shows. */
export const COMPACT_STATUS = 'compact';

/** What compaction did for one source's day. */
export type CompactedDayResult = { source: string; container: string; day: string } & CompactDayOutcome;

const DAY_MS = 86_400_000;

/** What compactClosedDays needs: the sources, the blob store and the clock (the app's services have them). */
export interface CompactDeps {
  config: Pick<ForecastConfig, 'sources'>;
  blobs: BlobStore;
  clock: Clock;
}

/**
 * Compacts every source's closed days (compactDay): each of the `lookbackDays` UTC days before today's, in the
 * container its observations live in (features for an image source, raw otherwise). Today is never compacted: its
 * batches are still being written. Re-running it writes nothing unless batches arrived since.
 */
export async function compactClosedDays(
  deps: CompactDeps,
  options: CompactOptions = DEFAULT_COMPACT_OPTIONS,
): Promise<CompactedDayResult[]> {
  if (!Number.isInteger(options.lookbackDays) || options.lookbackDays < 1)
    throw new ConfigError(`lookbackDays must be a whole number of days, at least 1, not ${options.lookbackDays}`);
  const today = Math.floor(deps.clock.now().getTime() / DAY_MS) * DAY_MS;
  const results: CompactedDayResult[] = [];
  for (const source of deps.config.sources) {
    const container = observationContainer(source);
    for (let back = options.lookbackDays; back >= 1; back--) {
      const day = new Date(today - back * DAY_MS).toISOString().slice(0, 10);
      results.push({ source: source.id, container, day, ...(await compactDay(deps.blobs, container, source.id, day)) });
    }
  }
  return results;
}

/** The options from the app setting `COMPACT_LOOKBACK_DAYS` (absent: the default); a bad value names itself. */
export function compactOptionsFromSettings(env: Readonly<Record<string, string | undefined>>): CompactOptions {
  const raw = env['COMPACT_LOOKBACK_DAYS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_COMPACT_OPTIONS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 400)
    throw new ConfigError(
      `app setting COMPACT_LOOKBACK_DAYS must be a whole number of days from 1 to 400, not "${raw}"`,
    );
  return { lookbackDays: days };
}

/** One line of what a compact run did, as its log and its status record say it. */
export function compactSummary(results: readonly CompactedDayResult[]): string {
  const count = (o: CompactedDayResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  return (
    `${count('written')} day(s) written, ${count('up-to-date')} up to date, ${count('empty')} without batches, ` +
    `${count('conflict')} conflict(s)`
  );
}
