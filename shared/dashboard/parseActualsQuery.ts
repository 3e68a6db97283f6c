import type { HttpRequest } from '@azure/functions';
import type { QueryError } from '../http/checkQueryParameters';
import { parseSiteRangeQuery, SITE_RANGE_QUERY_LIMITS } from '../http/parseSiteRangeQuery';

/** Limits of the `/api/actuals` query: those of `/api/forecast`, and the window when none is given. */
export const ACTUALS_QUERY_LIMITS = {
  ...SITE_RANGE_QUERY_LIMITS,
  /** The window without `from` and `to`: the last this many hours. */
  defaultHours: 24,
} as const;

/** A checked actuals query. */
export interface ActualsQuery {
  site: string;
  from: Date;
  to: Date;
}

/**
 * The checked query of `GET /api/actuals?site=<id>[&from=<ISO>&to=<ISO>]`, or the 400 answer naming the parameter at
 * fault. Without `from` and `to` the window is the last 24 hours before `now`.
 */
export function parseActualsQuery(
  request: HttpRequest,
  sites: readonly string[],
  now: Date,
): ActualsQuery | QueryError {
  const query = parseSiteRangeQuery(request, sites, now);
  if ('error' in query) return query;
  return {
    site: query.site,
    ...(query.range ?? { from: new Date(now.getTime() - ACTUALS_QUERY_LIMITS.defaultHours * 3_600_000), to: now }),
  };
}
