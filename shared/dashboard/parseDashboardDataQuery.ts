import type { HttpRequest } from '@azure/functions';
import { checkQueryParameters, type QueryError } from '../http/checkQueryParameters';
import { echoQueryText } from '../http/echoQueryText';
import { siteAndHours } from './parseDashboardQuery';

/** What a dashboard already has: the summary slot of its last answer, and a digest of that answer's health part. */
export interface DashboardCursor {
  /** The issue slot of the summary the last answer came from (ISO, milliseconds, UTC). */
  slot: string;
  /** Eight hex digits: the health facts of that answer. */
  digest: string;
}

/** A checked `GET /api/dashboard/data` query. */
export interface DashboardDataQuery {
  site: string;
  hours: number;
  /** Absent on a first load: the answer is the whole window. */
  since?: DashboardCursor;
}

const PARAMETERS = ['site', 'hours', 'since'] as const;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([0-9a-f]{8})$/;
const CURSOR_EXAMPLE = '2026-06-21T08:00:00.000Z~1a2b3c4d';

/** The cursor of an answer (the `cursor` field and the ETag). */
export function formatDashboardCursor(cursor: DashboardCursor): string {
  return `${cursor.slot}~${cursor.digest}`;
}

/**
 * The checked query of `GET /api/dashboard/data?site=<id>[&hours=<n>][&since=<cursor>]`, or the 400 answer naming
 * the parameter at fault: a configured site (the first without one), a window the page offers, and a cursor exactly
 * as an earlier answer gave it.
 */
export function parseDashboardDataQuery(
  request: HttpRequest,
  sites: readonly string[],
): DashboardDataQuery | QueryError {
  const params = checkQueryParameters(
    request,
    PARAMETERS,
    'expected "site", "hours" and "since" (the cursor of the last answer), all optional',
  );
  if (!(params instanceof URLSearchParams)) return params;
  const asked = siteAndHours(params, sites);
  if ('error' in asked) return asked;
  const { site, hours } = asked;
  const sinceText = params.get('since');
  if (sinceText === null) return { site, hours };
  const m = CURSOR.exec(sinceText);
  const slot = m?.[1];
  if (!m || slot === undefined || m[2] === undefined || !isExactTime(slot))
    return {
      error: `query parameter "since" is ${echoQueryText(sinceText)}; expected the cursor of an earlier answer, such as ${CURSOR_EXAMPLE}`,
      parameter: 'since',
    };
  return { site, hours, since: { slot, digest: m[2] } };
}

/** A real instant written exactly as toISOString writes it (no 25th hour, no 31 February). */
function isExactTime(text: string): boolean {
  const t = Date.parse(text);
  return Number.isFinite(t) && new Date(t).toISOString() === text;
}
