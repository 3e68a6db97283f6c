import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { parseActualsQuery } from '../shared/dashboard/parseActualsQuery';
import { readActuals } from '../shared/dashboard/readActuals';
import { badRequest, internalError, unavailable } from '../shared/http/httpAnswers';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { StorageUnavailableError } from '../shared/storage/BlobStore';

/**
 * The handler of `GET /api/actuals?site=<id>[&from=<ISO>&to=<ISO>]`: the forecast target's observed values at a site
 * (the last 24 hours without a range; at most 7 days, within the last 90, with one), what the dashboard draws the
 * forecasts against. Every parameter is checked as /api/forecast checks it; a bad one is a 400 naming it.
 */
export function makeActualsHandler(services: () => Services) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const s = services();
    const query = parseActualsQuery(
      request,
      s.config.sites.map((site) => site.id),
      s.clock.now(),
    );
    if ('error' in query) return badRequest(query);
    const { site, from, to } = query;
    try {
      const actuals = await readActuals(s, site, from, to, s.clock.now());
      return {
        status: 200,
        jsonBody: { site, target: s.config.target, from: from.toISOString(), to: to.toISOString(), actuals },
        headers: { 'cache-control': 'no-store' },
      };
    } catch (err) {
      context.error(`actuals: reading the observations of ${site} failed: ${(err as Error).message}`);
      if (err instanceof StorageUnavailableError) return unavailable('Blob Storage');
      return internalError('reading the observations');
    }
  };
}

// API clients: the function key. The dashboard reads the same data from its own route, which the app's
// authentication protects in Azure instead of a key (see functions/dashboard.ts).
app.http('actuals', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'actuals',
  handler: makeActualsHandler(appServices),
});
app.http('dashboard-actuals', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'dashboard/actuals',
  handler: makeActualsHandler(appServices),
});
