import { ProviderRequestError } from './ProviderRequestError';

/** A validated `GET /observations` query. */
export interface ObservationsQuery {
  /** Exclusive lower bound on publishedAt; undefined: everything retained. */
  since?: Date;
  /** Largest number of items wanted (a page may exceed it only to keep equal publishedAt together). */
  limit: number;
  /** Only this site; undefined: all sites. */
  site?: string;
}

/** Items per page when the client does not say (the configuration's default page size). */
export const DEFAULT_LIMIT = 500;
/** Largest page a client may ask for (the configuration's largest page size). */
export const MAX_LIMIT = 5000;

const ISO_UTC_OR_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Reads `since`, `limit` and `site`; a bad one is a 400 whose message names the parameter and the value. */
export function parseObservationsQuery(params: URLSearchParams, sites: readonly string[]): ObservationsQuery {
  const query: ObservationsQuery = { limit: DEFAULT_LIMIT };
  const since = single(params, 'since');
  if (since !== undefined) query.since = parseSince(since);
  const limit = single(params, 'limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
      throw bad(
        'limit',
        `bad parameter "limit": expected an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(limit)}`,
      );
    }
    query.limit = Number(limit);
  }
  const site = single(params, 'site');
  if (site !== undefined) {
    if (!sites.includes(site)) {
      throw bad(
        'site',
        `bad parameter "site": unknown site ${JSON.stringify(site)}; expected one of ${sites.map((s) => `"${s}"`).join(', ')}`,
      );
    }
    query.site = site;
  }
  return query;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw bad(name, `bad parameter "${name}": given ${all.length} times, expected at most once`);
  return all[0];
}

function parseSince(text: string): Date {
  const m = ISO_UTC_OR_OFFSET.exec(text);
  const t = new Date(text);
  // Date() quietly rolls 2026-02-30 over into March; a cursor that is not the date the client meant is an error.
  const calendarOk =
    m !== null &&
    (() => {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return (
        d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
      );
    })();
  if (!m || Number.isNaN(t.getTime()) || !calendarOk) {
    throw bad(
      'since',
      `bad parameter "since": expected an ISO 8601 time with a time zone such as 2026-05-01T10:00:00.000Z, got ${JSON.stringify(text)}`,
    );
  }
  return t;
}

function bad(parameter: string, message: string): ProviderRequestError {
  return new ProviderRequestError(400, 'BAD_PARAMETER', message, parameter);
}
