import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { ForecastBlobCopy } from '../shared/forecast/ForecastBlobCopy';
import { ForecastStoreUnavailableError } from '../shared/forecast/ForecastStore';
import { readLatestForecast } from '../shared/forecast/readLatestForecast';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { parseIsoTime } from '../shared/sources/parseIsoTime';

/** Limits of the `/api/forecast` query. */
export const FORECAST_QUERY_LIMITS = {
  /** Longest query string accepted, characters. */
  maxQueryLength: 2048,
  /** Longest site id (the configuration allows 40). */
  maxSiteLength: 40,
  /** Longest `from` / `to` (an ISO time with nanoseconds and an offset has 35). */
  maxTimeLength: 40,
  /** Widest `from`..`to` range, days. */
  maxRangeDays: 7,
  /** How far back `from` may reach, days. */
  maxAgeDays: 90,
  /** How far `to` may lie in the future (the caller's clock may run ahead), ms. */
  maxFutureMs: 5 * 60_000,
} as const;

/**
 * Parameters the endpoint takes. `code` is the function key, which callers may send in the query instead of the
 * x-functions-key header: accepted and never read or echoed. Any other parameter is refused with a 400 naming it,
 * so a typo (`sites=`, `form=`) is an error rather than a silently different answer.
 */
const PARAMETERS = ['site', 'from', 'to', 'code'] as const;

type ForecastQuery = { site: string; range?: { from: Date; to: Date } };
type QueryError = { error: string; parameter?: string };

/**
 * The handler of `GET /api/forecast?site=<id>[&from=<ISO>&to=<ISO>]`: the latest forecast of a site, or with
 * `from` and `to` the forecasts issued in that range (at most 7 days, within the last 90). Every parameter is
 * checked; a bad one is a 400 whose message names it. Store failures are a 503 or 500 without internals.
 */
export function makeForecastHandler(services: () => Services) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const s = services();
    const query = parseForecastQuery(request, s.config.sites.map((site) => site.id), s.clock.now());
    if ('error' in query) return { status: 400, jsonBody: { error: asciiSafe(query.error), ...(query.parameter !== undefined ? { parameter: asciiSafe(query.parameter) } : {}) } };
    const { site, range } = query;
    try {
      if (range) {
        const forecasts = await s.forecasts.range(site, range.from, range.to);
        return { status: 200, jsonBody: { site, from: range.from.toISOString(), to: range.to.toISOString(), forecasts }, headers: { 'cache-control': 'no-store' } };
      }
      // While Cosmos DB is down the blob copy predict writes first still answers, and says so in a header.
      const { forecast, from } = await readLatestForecast(site, s.forecasts, new ForecastBlobCopy(s.blobs));
      if (!forecast && from === 'blob-copy') return { ...problem(503, 'the forecast store is unavailable; try again shortly'), headers: { 'retry-after': '30' } };
      if (!forecast) return problem(404, `no forecast for site "${site}" yet`);
      return { status: 200, jsonBody: forecast, headers: { 'cache-control': 'no-store', 'x-forecast-source': from === 'cosmos' ? 'cosmos-db' : 'blob-copy' } };
    } catch (err) {
      context.error(`forecast: reading the ${range ? 'forecasts' : 'latest forecast'} of ${site} failed: ${(err as Error).message}`);
      if (err instanceof ForecastStoreUnavailableError) {
        return { ...problem(503, 'the forecast store is unavailable; try again shortly'), headers: { 'retry-after': '30' } };
      }
      return problem(500, 'internal error while reading the forecast');
    }
  };
}

/** The checked query, or the 400 answer naming the parameter at fault. */
export function parseForecastQuery(request: HttpRequest, sites: readonly string[], now: Date): ForecastQuery | QueryError {
  const L = FORECAST_QUERY_LIMITS;
  const url = new URL(request.url);
  if (url.search.length > L.maxQueryLength) return { error: `the query string is ${url.search.length} characters long; at most ${L.maxQueryLength}` };
  // The URL keeps repeated parameters (the host's query map may have merged them); tests may give only `query`.
  const params = url.search ? url.searchParams : request.query;
  const counts = new Map<string, number>();
  for (const name of params.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const [name, count] of counts) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      return { error: `query parameter ${echo(name)} is not supported; expected "site", and optionally "from" and "to"`, parameter: name.slice(0, 64) };
    }
    if (count > 1 && name !== 'code') return { error: `query parameter "${name}" is given ${count} times; give it once`, parameter: name };
  }

  const expected = `expected one of ${sites.map((id) => `"${id}"`).join(', ')}`;
  const site = params.get('site');
  if (site === null || site === '') return { error: `query parameter "site" is required; ${expected}`, parameter: 'site' };
  if (site.length > L.maxSiteLength) return { error: `query parameter "site" is ${site.length} characters long, not a configured site; ${expected}`, parameter: 'site' };
  if (!sites.includes(site)) return { error: `query parameter "site" is ${echo(site)}, not a configured site; ${expected}`, parameter: 'site' };

  const fromText = params.get('from');
  const toText = params.get('to');
  if (fromText === null && toText === null) return { site };
  if (fromText === null || toText === null) {
    const [missing, given] = fromText === null ? ['from', 'to'] : ['to', 'from'];
    return { error: `query parameter "${missing}" is required with "${given}": give both (ISO times) or neither`, parameter: missing };
  }
  const from = parseTime(fromText, 'from');
  if ('error' in from) return from;
  const to = parseTime(toText, 'to');
  if ('error' in to) return to;
  const day = 86_400_000;
  if (to.t.getTime() <= from.t.getTime()) return { error: `query parameter "to" (${to.t.toISOString()}) must be after "from" (${from.t.toISOString()})`, parameter: 'to' };
  if (to.t.getTime() - from.t.getTime() > L.maxRangeDays * day) {
    const days = ((to.t.getTime() - from.t.getTime()) / day).toFixed(1);
    return { error: `query parameter "to" is ${days} days after "from"; a range spans at most ${L.maxRangeDays} days`, parameter: 'to' };
  }
  const oldest = now.getTime() - L.maxAgeDays * day;
  if (from.t.getTime() < oldest) return { error: `query parameter "from" (${from.t.toISOString()}) is more than ${L.maxAgeDays} days ago; the earliest is ${new Date(oldest).toISOString()}`, parameter: 'from' };
  if (to.t.getTime() > now.getTime() + L.maxFutureMs) return { error: `query parameter "to" (${to.t.toISOString()}) is in the future (now ${now.toISOString()})`, parameter: 'to' };
  return { site, range: { from: from.t, to: to.t } };
}

function parseTime(text: string, name: 'from' | 'to'): { t: Date } | QueryError {
  if (text.length > FORECAST_QUERY_LIMITS.maxTimeLength) {
    return { error: `query parameter "${name}" is ${text.length} characters long; expected an ISO 8601 time such as 2026-01-01T10:00:00Z`, parameter: name };
  }
  const t = parseIsoTime(text, name);
  if (typeof t === 'string') return { error: `query parameter ${t}`, parameter: name };
  return { t };
}

/** A caller's text as a message shows it: JSON-quoted, at most 64 characters of it. */
function echo(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}...` : text);
}

/**
 * Everything outside printable ASCII escaped (\uXXXX): control characters, bidi overrides and lone surrogates a
 * caller sent cannot disguise the message that quotes them.
 */
function asciiSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function problem(status: number, error: string): HttpResponseInit {
  return { status, jsonBody: { error } };
}

app.http('forecast', { methods: ['GET'], authLevel: 'function', route: 'forecast', handler: makeForecastHandler(appServices) });
