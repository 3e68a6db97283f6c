import type { HttpRequest } from '@azure/functions';
import { checkQueryParameters, type QueryError } from '../http/checkQueryParameters';
import { checkSite, expectedSites } from '../http/checkSite';
import { echoQueryText } from '../http/echoQueryText';

/** The windows the dashboard offers, hours back from now; the first-listed default is {@link DEFAULT_DASHBOARD_HOURS}. */
export const DASHBOARD_WINDOWS_HOURS = [3, 6, 12, 24, 72] as const;

/** The window shown when the page is opened without `hours`. */
export const DEFAULT_DASHBOARD_HOURS = 12;

/** A checked dashboard query: the site shown first and the window. */
export interface DashboardQuery {
  site: string;
  hours: number;
}

const PARAMETERS = ['site', 'hours'] as const;

/**
 * The checked query of `GET /api/dashboard[?site=<id>][&hours=<n>]`, or the 400 answer naming the parameter at fault.
 * Without `site` the page shows the first configured site.
 */
export function parseDashboardQuery(request: HttpRequest, sites: readonly string[]): DashboardQuery | QueryError {
  const params = checkQueryParameters(request, PARAMETERS, 'expected "site" and "hours", both optional');
  if (!(params instanceof URLSearchParams)) return params;
  return siteAndHours(params, sites);
}

/**
 * The `site` (a configured one; the first when absent) and `hours` (a window the page offers; the default when
 * absent) of a dashboard query, or the 400 answer naming the one at fault.
 */
export function siteAndHours(params: URLSearchParams, sites: readonly string[]): DashboardQuery | QueryError {
  const site = params.get('site') ?? sites[0] ?? '';
  if (site === '') return { error: `query parameter "site" is empty; ${expectedSites(sites)}`, parameter: 'site' };
  const badSite = checkSite(site, sites);
  if (badSite) return badSite;
  const hoursText = params.get('hours');
  if (hoursText === null) return { site, hours: DEFAULT_DASHBOARD_HOURS };
  const hours = /^[1-9][0-9]{0,2}$/.test(hoursText) ? Number(hoursText) : NaN;
  if (!(DASHBOARD_WINDOWS_HOURS as readonly number[]).includes(hours)) {
    return {
      error: `query parameter "hours" is ${echoQueryText(hoursText)}; expected one of ${DASHBOARD_WINDOWS_HOURS.join(', ')}`,
      parameter: 'hours',
    };
  }
  return { site, hours };
}
