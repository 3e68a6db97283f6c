import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { ForecastBlobCopy } from '../shared/forecast/ForecastBlobCopy';
import { ForecastStoreUnavailableError } from '../shared/forecast/ForecastStore';
import { readLatestForecast } from '../shared/forecast/readLatestForecast';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { MAX_QUERY_LENGTH } from '../shared/http/checkQueryParameters';
import { badRequest, internalError, notFound, unavailable } from '../shared/http/httpAnswers';
import { parseSiteRangeQuery, SITE_RANGE_QUERY_LIMITS } from '../shared/http/parseSiteRangeQuery';

/** Limits of the `/api/forecast` query. */
export const FORECAST_QUERY_LIMITS = {
  /** Longest query string accepted, characters. */
  maxQueryLength: MAX_QUERY_LENGTH,
  ...SITE_RANGE_QUERY_LIMITS,
} as const;

/**
 * The handler of `GET /api/forecast?site=<id>[&from=<ISO>&to=<ISO>]`: the latest forecast of a site, or with
 * `from` and `to` the forecasts issued in that range (at most 7 days, within the last 90). Every parameter is
 * checked; a bad one is a 400 whose message names it. Store failures are a 503 or 500 without internals.
 */
export function makeForecastHandler(services: () => Services) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const s = services();
    // `code` (the function key, which callers may send in the query) is accepted and never read or echoed; any other
    // unknown parameter is refused, so a typo (`sites=`, `form=`) is an error rather than a silently different answer.
    const query = parseSiteRangeQuery(
      request,
      s.config.sites.map((site) => site.id),
      s.clock.now(),
    );
    if ('error' in query) return badRequest(query);
    const { site, range } = query;
    try {
      if (range) {
        const forecasts = await s.forecasts.range(site, range.from, range.to);
        return {
          status: 200,
          jsonBody: { site, from: range.from.toISOString(), to: range.to.toISOString(), forecasts },
          headers: { 'cache-control': 'no-store' },
        };
      }
      // While Cosmos DB is down the blob copy predict writes first still answers, and says so in a header.
      const { forecast, from } = await readLatestForecast(
        site,
        s.forecasts,
        new ForecastBlobCopy(s.blobs, s.config.sites.length),
      );
      if (!forecast && from === 'blob-copy') return unavailable('the forecast store');
      if (!forecast) return notFound(`no forecast for site "${site}" yet`);
      return {
        status: 200,
        jsonBody: forecast,
        headers: { 'cache-control': 'no-store', 'x-forecast-source': from === 'cosmos' ? 'cosmos-db' : 'blob-copy' },
      };
    } catch (err) {
      context.error(
        `forecast: reading the ${range ? 'forecasts' : 'latest forecast'} of ${site} failed: ${(err as Error).message}`,
      );
      if (err instanceof ForecastStoreUnavailableError) return unavailable('the forecast store');
      return internalError('reading the forecast');
    }
  };
}

// API clients: the function key. The dashboard reads the same data from its own route, which the app's
// authentication protects in Azure instead of a key (see functions/dashboard.ts).
app.http('forecast', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'forecast',
  handler: makeForecastHandler(appServices),
});
app.http('dashboard-forecast', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'dashboard/forecast',
  handler: makeForecastHandler(appServices),
});
