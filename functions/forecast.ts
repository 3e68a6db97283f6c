import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { ForecastStoreUnavailableError } from '../shared/forecast/ForecastStore';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';

/** The handler of `GET /api/forecast?site=<id>`: the latest forecast of a site. */
export function makeForecastHandler(services: () => Services) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const s = services();
    const sites = s.config.sites.map((site) => site.id);
    const site = request.query.get('site');
    const expected = `expected one of ${sites.map((id) => `"${id}"`).join(', ')}`;
    if (site === null || site === '') return problem(400, `query parameter "site" is required; ${expected}`);
    if (!sites.includes(site)) return problem(400, `query parameter "site" is ${JSON.stringify(site.slice(0, 64))}, not a configured site; ${expected}`);
    try {
      const forecast = await s.forecasts.latest(site);
      if (!forecast) return problem(404, `no forecast for site "${site}" yet`);
      return { status: 200, jsonBody: forecast, headers: { 'cache-control': 'no-store' } };
    } catch (err) {
      context.error(`forecast: reading the latest forecast of ${site} failed: ${(err as Error).message}`);
      if (err instanceof ForecastStoreUnavailableError) {
        return { ...problem(503, 'the forecast store is unavailable; try again shortly'), headers: { 'retry-after': '30' } };
      }
      return problem(500, 'internal error while reading the forecast');
    }
  };
}

function problem(status: number, error: string): HttpResponseInit {
  return { status, jsonBody: { error } };
}

app.http('forecast', { methods: ['GET'], authLevel: 'function', route: 'forecast', handler: makeForecastHandler(appServices) });
