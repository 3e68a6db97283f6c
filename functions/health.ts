import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { CachedReport } from '../shared/health/CachedReport';
import { checkHealth, type HealthReport } from '../shared/health/checkHealth';
import { checkQueryParameters } from '../shared/http/checkQueryParameters';
import { badRequest } from '../shared/http/httpAnswers';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { BreakerStore } from '../shared/sources/BreakerStore';
import { type Clock, systemClock } from '../shared/time/Clock';

/** What the liveness answer is made of. */
export interface LivenessOptions {
  /** The clock of `checkedAt`. */
  clock: Clock;
  /** When this process started (`since`). */
  startedAt: Date;
}

export const DEFAULT_LIVENESS_OPTIONS: LivenessOptions = {
  clock: systemClock,
  startedAt: new Date(performance.timeOrigin),
};

/** How the full report is served. */
export interface HealthDetailsOptions {
  /** A report younger than this (on the services' clock) is served again instead of checking every store anew. */
  maxAgeMs: number;
}

export const DEFAULT_HEALTH_DETAILS_OPTIONS: HealthDetailsOptions = { maxAgeMs: 30_000 };

/** The body of `GET /api/health`. */
export interface Liveness {
  status: 'up';
  /** When this instance's process started. */
  since: string;
  checkedAt: string;
}

/**
 * The handler of `GET /api/health`: liveness only, 200 `{ status: 'up', since, checkedAt }` while the process
 * answers. It reads no store, builds no client and loads no configuration, so load balancers and uptime probes may
 * call it anonymously and often, and it answers even when the configuration or a store is broken. It takes no
 * parameters but `code` (accepted, never read); any other is a 400 naming it.
 */
export function makeLivenessHandler(options: LivenessOptions = DEFAULT_LIVENESS_OPTIONS) {
  return async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const query = checkQueryParameters(request, [], '/api/health takes no parameters');
    if ('error' in query) return badRequest(query);
    const body: Liveness = {
      status: 'up',
      since: options.startedAt.toISOString(),
      checkedAt: options.clock.now().toISOString(),
    };
    return { status: 200, jsonBody: body, headers: { 'cache-control': 'no-store' } };
  };
}

/**
 * The handler of `GET /api/health/details` (and of the dashboard's `/api/dashboard/health`): the full report, 200
 * while the system can forecast, 503 with the reasons when it cannot. One report per instance is kept for
 * `maxAgeMs`, so a busy dashboard or a probe costs one check per period, not one per call. Parameters as for health.
 */
export function makeHealthDetailsHandler(
  services: () => Services,
  options: HealthDetailsOptions = DEFAULT_HEALTH_DETAILS_OPTIONS,
) {
  const cached = new CachedReport<HealthReport>(
    () => {
      const s = services();
      return checkHealth({
        config: s.config,
        clock: s.clock,
        observations: s.observations,
        forecasts: s.forecasts,
        registry: s.registry,
        status: s.status,
        breakers: new BreakerStore(s.blobs),
        brokenSources: s.brokenSources,
        ...(s.queues ? { queues: s.queues } : {}),
      });
    },
    () => services().clock,
    options.maxAgeMs,
  );
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const query = checkQueryParameters(request, [], `${new URL(request.url).pathname} takes no parameters`);
    if ('error' in query) return badRequest(query);
    try {
      const report = await cached.get();
      if (!report.canForecast) context.warn(`health: cannot forecast: ${report.reasons.join('; ')}`);
      return { status: report.canForecast ? 200 : 503, jsonBody: report, headers: { 'cache-control': 'no-store' } };
    } catch (err) {
      context.error(`health: the check itself failed: ${(err as Error).message}`);
      return {
        status: 503,
        jsonBody: { status: 'down', canForecast: false, reasons: ['the health check failed; see the function logs'] },
      };
    }
  };
}

/** The one full-report handler of this process: /api/health/details and the dashboard's copy share its cache. */
export const healthDetailsHandler = makeHealthDetailsHandler(appServices);

// Anonymous: load balancers and uptime monitors call it without a key; it says only that the process is up.
app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: makeLivenessHandler() });
// The full report names the budget's scope, spend, SDK errors and model versions, and reads every store: a key.
// Azure's App Service Authentication must exclude this path (BICEP-NOTES.md): the function key is its protection.
app.http('health-details', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'health/details',
  handler: healthDetailsHandler,
});
// The dashboard's copy: protected by the app's authentication in Azure, not by a key (see functions/dashboard.ts).
app.http('dashboard-health', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'dashboard/health',
  handler: healthDetailsHandler,
});
