import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { checkHealth } from '../shared/health/checkHealth';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';

/** The handler of `GET /api/health`: 200 while the system can forecast, 503 with the reasons when it cannot. */
export function makeHealthHandler(services: () => Services) {
  return async (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const s = services();
    try {
      const report = await checkHealth({ config: s.config, clock: s.clock, observations: s.observations, forecasts: s.forecasts, registry: s.registry, status: s.status });
      if (!report.canForecast) context.warn(`health: cannot forecast: ${report.reasons.join('; ')}`);
      return { status: report.canForecast ? 200 : 503, jsonBody: report, headers: { 'cache-control': 'no-store' } };
    } catch (err) {
      context.error(`health: the check itself failed: ${(err as Error).message}`);
      return { status: 503, jsonBody: { status: 'down', canForecast: false, reasons: ['the health check failed; see the function logs'] } };
    }
  };
}

// Anonymous: load balancers and uptime monitors call it without a key, and it reveals no data or secrets.
app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: makeHealthHandler(appServices) });
