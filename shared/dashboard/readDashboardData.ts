import { createHash } from 'node:crypto';
import type { ForecastConfig } from '../config/ForecastConfig';
import type { Forecast } from '../forecast/Forecast';
import { type ForecastStore, ForecastStoreUnavailableError } from '../forecast/ForecastStore';
import type { ForecastSummary, SiteSummary } from '../predict/ForecastSummaryStore';
import type { ObservationStore } from '../sources/ObservationStore';
import { addMinutes, floorToSlot } from '../time/slots';
import { type DashboardCursor, formatDashboardCursor } from './parseDashboardDataQuery';
import { type Actual, readActuals } from './readActuals';

/** What {@link readDashboardData} reads: the summary first; the stores only for a whole window. */
export interface DashboardDataDeps<H> {
  config: ForecastConfig;
  observations: ObservationStore;
  forecasts: ForecastStore;
  /** The summary shard of the site (one blob read), undefined before predict wrote one. */
  summary: (site: string) => Promise<{ summary: ForecastSummary; etag: string } | undefined>;
  /** The site's health from the summary (a few status blobs). */
  health: (shard: ForecastSummary, site: SiteSummary) => Promise<H>;
}

/** The one answer of a dashboard refresh: a whole window, or only what is newer than the caller's cursor. */
export interface DashboardData<H> {
  site: string;
  /** `window`: every forecast and actual of the last `hours` (replace); `delta`: only newer ones (append). */
  mode: 'window' | 'delta';
  hours: number;
  /** The server's clock: the page draws its window up to this time. */
  now: string;
  /** Send it back as `since` on the next refresh. */
  cursor: string;
  /** The slot the summary (and so the health facts and the delta) is as of; null before predict wrote one. */
  asOf: string | null;
  /** The newest forecast of the site, or null when there is none yet. */
  latest: Forecast | null;
  /** Oldest first: the window's forecasts, or those issued after the cursor's slot. */
  forecasts: Forecast[];
  /** Oldest first: the window's values, or those that became available after the cursor's slot. */
  actuals: Actual[];
  health: H | null;
  /** What could not be read, in a sentence each (the rest of the answer stands). */
  problems: string[];
}

/** An answer, or `notModified` when the caller's cursor is still current (an HTTP 304). */
export type DashboardAnswer<H> =
  { notModified: true; cursor: string; now: string } | { notModified: false; data: DashboardData<H> };

/**
 * Answers a dashboard refresh from predict's summary: a caller at most one slot behind gets only the newer forecast
 * and values (or nothing, a 304, when neither they nor the health facts changed) from one blob read and the status
 * blobs; a first load, a caller further behind, or a deployment without a summary yet gets the whole window from
 * Cosmos DB and the observations, once.
 */
export async function readDashboardData<H>(
  deps: DashboardDataDeps<H>,
  query: { site: string; hours: number; since?: DashboardCursor },
  now: Date,
): Promise<DashboardAnswer<H>> {
  const read = await deps.summary(query.site);
  const site = read?.summary.sites[query.site];
  const health = read && site ? await deps.health(read.summary, site) : null;
  const slot = site?.issueTime ?? floorToSlot(now, deps.config.forecast.cadenceMinutes).toISOString();
  const cursor = formatDashboardCursor({ slot, digest: digestOf(health) });
  const since = query.since;
  const cadence = deps.config.forecast.cadenceMinutes;
  // One slot behind at most: the summary holds the newest forecast and two hours of values, all such a caller lacks.
  const canDelta =
    site !== undefined &&
    since !== undefined &&
    since.slot <= slot &&
    since.slot >= addMinutes(new Date(slot), -cadence).toISOString();
  if (canDelta && since && site) {
    if (formatDashboardCursor(since) === cursor) return { notModified: true, cursor, now: now.toISOString() };
    return {
      notModified: false,
      data: {
        site: query.site,
        mode: 'delta',
        hours: query.hours,
        now: now.toISOString(),
        cursor,
        asOf: slot,
        latest: site.latest,
        forecasts: site.latest && site.latest.issueTime > since.slot ? [site.latest] : [],
        actuals: site.actuals.filter((a) => Date.parse(a.availableAt) > Date.parse(since.slot)),
        health,
        problems: [],
      },
    };
  }
  const from = new Date(now.getTime() - query.hours * 3_600_000);
  const problems: string[] = [];
  // While Cosmos DB is down the window still has the summary's newest forecast, and says what is missing.
  const [ranged, actuals] = await Promise.all([
    deps.forecasts.range(query.site, from, now).catch((err: unknown) => {
      if (!(err instanceof ForecastStoreUnavailableError) || !site) throw err;
      problems.push('the forecast store is unavailable: the window shows only the newest forecast');
      return [];
    }),
    readActuals(deps, query.site, from, now, now),
  ]);
  const latest = site?.latest ?? ranged.at(-1) ?? null;
  const forecasts =
    latest && latest.issueTime >= from.toISOString() && !ranged.some((f) => f.issueTime === latest.issueTime)
      ? [...ranged, latest]
      : ranged;
  forecasts.sort((a, b) => a.issueTime.localeCompare(b.issueTime));
  return {
    notModified: false,
    data: {
      site: query.site,
      mode: 'window',
      hours: query.hours,
      now: now.toISOString(),
      cursor,
      asOf: site ? slot : null,
      latest,
      forecasts,
      actuals,
      health,
      problems,
    },
  };
}

/** Eight hex digits of the health facts, without what changes on every call (the check's time, latencies). */
function digestOf(health: unknown): string {
  const text = JSON.stringify(health, (key, value: unknown) =>
    key === 'checkedAt' || key === 'latencyMs' ? undefined : value,
  );
  return createHash('sha256')
    .update(text ?? 'null')
    .digest('hex')
    .slice(0, 8);
}
