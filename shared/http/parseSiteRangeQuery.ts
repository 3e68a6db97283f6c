import type { HttpRequest } from '@azure/functions';
import { parseIsoTime } from '../time/parseIsoTime';
import { checkQueryParameters, type QueryError } from './checkQueryParameters';
import { checkSite, expectedSites, MAX_SITE_LENGTH } from './checkSite';

/** Limits of a `site` + optional `from`/`to` query (/api/forecast, /api/actuals: the dashboard asks both for one window). */
export const SITE_RANGE_QUERY_LIMITS = {
  /** Longest site id (the configuration allows 40). */
  maxSiteLength: MAX_SITE_LENGTH,
  /** Longest `from` / `to` (an ISO time with nanoseconds and an offset has 35). */
  maxTimeLength: 40,
  /** Widest `from`..`to` range, days. */
  maxRangeDays: 7,
  /** How far back `from` may reach, days. */
  maxAgeDays: 90,
  /** How far `to` may lie in the future (the caller's clock may run ahead), ms. */
  maxFutureMs: 5 * 60_000,
} as const;

/** A checked query: a configured site, and the range when both `from` and `to` were given. */
export interface SiteRangeQuery {
  site: string;
  range?: { from: Date; to: Date };
}

const PARAMETERS = ['site', 'from', 'to'] as const;
const DAY_MS = 86_400_000;

/**
 * The checked query `site=<id>[&from=<ISO>&to=<ISO>]`, or the 400 answer naming the parameter at fault: the site
 * against the configuration, both times or neither, a range of at most 7 days within the last 90, not in the future.
 */
export function parseSiteRangeQuery(
  request: HttpRequest,
  sites: readonly string[],
  now: Date,
): SiteRangeQuery | QueryError {
  const L = SITE_RANGE_QUERY_LIMITS;
  const params = checkQueryParameters(request, PARAMETERS, 'expected "site", and optionally "from" and "to"');
  if (!(params instanceof URLSearchParams)) return params;

  const site = params.get('site');
  if (site === null || site === '')
    return { error: `query parameter "site" is required; ${expectedSites(sites)}`, parameter: 'site' };
  const badSite = checkSite(site, sites);
  if (badSite) return badSite;

  const fromText = params.get('from');
  const toText = params.get('to');
  if (fromText === null && toText === null) return { site };
  if (fromText === null || toText === null) {
    const [missing, given] = fromText === null ? ['from', 'to'] : ['to', 'from'];
    return {
      error: `query parameter "${missing}" is required with "${given}": give both (ISO times) or neither`,
      parameter: missing,
    };
  }
  const from = parseTime(fromText, 'from');
  if (!(from instanceof Date)) return from;
  const to = parseTime(toText, 'to');
  if (!(to instanceof Date)) return to;
  if (to.getTime() <= from.getTime())
    return {
      error: `query parameter "to" (${to.toISOString()}) must be after "from" (${from.toISOString()})`,
      parameter: 'to',
    };
  if (to.getTime() - from.getTime() > L.maxRangeDays * DAY_MS) {
    const days = ((to.getTime() - from.getTime()) / DAY_MS).toFixed(1);
    return {
      error: `query parameter "to" is ${days} days after "from"; a range spans at most ${L.maxRangeDays} days`,
      parameter: 'to',
    };
  }
  const oldest = now.getTime() - L.maxAgeDays * DAY_MS;
  if (from.getTime() < oldest)
    return {
      error: `query parameter "from" (${from.toISOString()}) is more than ${L.maxAgeDays} days ago; the earliest is ${new Date(oldest).toISOString()}`,
      parameter: 'from',
    };
  if (to.getTime() > now.getTime() + L.maxFutureMs)
    return {
      error: `query parameter "to" (${to.toISOString()}) is in the future (now ${now.toISOString()})`,
      parameter: 'to',
    };
  return { site, range: { from, to } };
}

function parseTime(text: string, name: 'from' | 'to'): Date | QueryError {
  if (text.length > SITE_RANGE_QUERY_LIMITS.maxTimeLength) {
    return {
      error: `query parameter "${name}" is ${text.length} characters long; expected an ISO 8601 time such as 2026-01-01T10:00:00Z`,
      parameter: name,
    };
  }
  const t = parseIsoTime(text, name);
  return typeof t === 'string' ? { error: `query parameter ${t}`, parameter: name } : t;
}
