import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { checkHealth } from '../shared/health/checkHealth';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { BreakerStore } from '../shared/sources/BreakerStore';

/** Longest query string accepted, characters. */
const MAX_QUERY_LENGTH = 2048;

/**
 * The handler of `GET /api/health`: 200 while the system can forecast, 503 with the reasons when it cannot.
 * It takes no parameters: any but `code` (a function key some callers send everywhere; accepted, never read) is
 * refused with a 400 naming it, as /api/forecast does, so a misconfigured probe is seen rather than half-served.
 */
export function makeHealthHandler(services: () => Services) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const refused = checkHealthQuery(request);
    if (refused) return { status: 400, jsonBody: refused };
    const s = services();
    try {
      const report = await checkHealth({ config: s.config, clock: s.clock, observations: s.observations, forecasts: s.forecasts, registry: s.registry, status: s.status, breakers: new BreakerStore(s.blobs) });
      if (!report.canForecast) context.warn(`health: cannot forecast: ${report.reasons.join('; ')}`);
      return { status: report.canForecast ? 200 : 503, jsonBody: report, headers: { 'cache-control': 'no-store' } };
    } catch (err) {
      context.error(`health: the check itself failed: ${(err as Error).message}`);
      return { status: 503, jsonBody: { status: 'down', canForecast: false, reasons: ['the health check failed; see the function logs'] } };
    }
  };
}

/** Why the query is refused (naming the parameter), or undefined when it is acceptable. */
function checkHealthQuery(request: HttpRequest): { error: string; parameter?: string } | undefined {
  const url = new URL(request.url);
  if (url.search.length > MAX_QUERY_LENGTH) return { error: `the query string is ${url.search.length} characters long; at most ${MAX_QUERY_LENGTH}` };
  const params = url.search ? url.searchParams : request.query;
  for (const name of params.keys()) {
    if (name === 'code') continue;
    const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return { error: `query parameter ${shown} is not supported; /api/health takes no parameters`, parameter: shown.slice(1, -1) };
  }
  return undefined;
}

// Anonymous: load balancers and uptime monitors call it without a key, and it reveals no data or secrets.
app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: makeHealthHandler(appServices) });
