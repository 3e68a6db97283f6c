import type { ForecastConfig } from '../config/ForecastConfig';
import type { HistoryRecord } from '../features/HistoryRecord';
import { smartPersistence } from '../solar/smartPersistence';
import { AsOf } from './AsOf';

/** The forecasts every served slot is judged against, per issueTime (epoch ms). */
export interface ReferenceForecasts {
  /** The newest target value available at issueTime (NaN when there was none): persistence, the same at every lead. */
  persistence: Map<number, number>;
  /** For a solar target, smart persistence of that same value per lead (the clear-sky index carried forward). */
  smartPersistence?: Map<number, number[]>;
}

const MINUTE_MS = 60_000;

/**
 * Persistence and (for a solar target) smart persistence at each issue time, from the target's newest record
 * available then in `targetHistory` (normal operation: delays, no outages), at the site's clear sky.
 */
export function referenceForecasts(
  config: ForecastConfig,
  site: string,
  issueTimes: readonly number[],
  targetHistory: readonly HistoryRecord[],
): ReferenceForecasts {
  const { target } = config;
  const leads = config.forecast.leadsMinutes;
  const location = config.sites.find((s) => s.id === site);
  const asOf = new AsOf(targetHistory);
  const newest = new Map(issueTimes.map((t) => [t, asOf.at(t)]));
  const persistence = new Map(issueTimes.map((t) => [t, newest.get(t)?.values[target.field] ?? Number.NaN]));
  if (target.solar !== true || !location) return { persistence };
  const smart = new Map(
    issueTimes.map((t) => {
      const r = newest.get(t);
      const value = r?.values[target.field] ?? Number.NaN;
      return [
        t,
        leads.map((lead) =>
          r ? smartPersistence({ value, observedAt: r.observedAt }, location, t + lead * MINUTE_MS) : Number.NaN,
        ),
      ];
    }),
  );
  return { persistence, smartPersistence: smart };
}
