import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { parseDashboardDataQuery } from '../shared/dashboard/parseDashboardDataQuery';
import { readDashboardData } from '../shared/dashboard/readDashboardData';
import { ForecastStoreUnavailableError } from '../shared/forecast/ForecastStore';
import { summaryHealth } from '../shared/health/summaryHealth';
import { badRequest, internalError, unavailable } from '../shared/http/httpAnswers';
import { ForecastSummaryStore } from '../shared/predict/ForecastSummaryStore';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { BreakerStore } from '../shared/sources/BreakerStore';
import { StorageUnavailableError } from '../shared/storage/BlobStore';

/**
 * The handler of `GET /api/dashboard/data?site=<id>[&hours=<n>][&since=<cursor>]`: everything a dashboard refresh
 * needs in one call. Without `since` (a first load) the whole window; with the cursor of the last answer only the
 * newer forecast and values and the health facts, answered from predict's summary blob and the status blobs (no
 * Cosmos DB query, no listing), or a 304 when nothing changed. The `cursor` is also the ETag; `x-server-time` carries
 * the server's clock on a 304 too. A bad parameter is a 400 naming it.
 */
export function makeDashboardDataHandler(services: () => Services) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const s = services();
    const query = parseDashboardDataQuery(
      request,
      s.config.sites.map((site) => site.id),
    );
    if ('error' in query) return badRequest(query);
    const summaries = new ForecastSummaryStore(s.blobs);
    const breakers = new BreakerStore(s.blobs);
    let summaryMs = 0;
    const now = s.clock.now();
    try {
      const answer = await readDashboardData(
        {
          config: s.config,
          observations: s.observations,
          forecasts: s.forecasts,
          summary: async (site) => {
            const started = performance.now();
            const read = await summaries.readFor(site, s.config.sites.length);
            summaryMs = Math.round(performance.now() - started);
            return read;
          },
          health: (shard, site) =>
            summaryHealth(
              { config: s.config, status: s.status, breakers, brokenSources: s.brokenSources ?? [] },
              shard,
              site,
              { ok: true, latencyMs: summaryMs },
              now,
            ),
        },
        query,
        now,
      );
      const cursor = answer.notModified ? answer.cursor : answer.data.cursor;
      const headers = { 'cache-control': 'no-store', etag: `"${cursor}"`, 'x-server-time': now.toISOString() };
      if (answer.notModified) return { status: 304, headers };
      return { status: 200, jsonBody: answer.data, headers };
    } catch (err) {
      context.error(`dashboard-data: reading the data of ${query.site} failed: ${(err as Error).message}`);
      if (err instanceof StorageUnavailableError) return unavailable('Blob Storage');
      if (err instanceof ForecastStoreUnavailableError) return unavailable('the forecast store');
      return internalError('reading the dashboard data');
    }
  };
}

// Protected by the app's authentication in Azure, not by a key, like the page itself (see functions/dashboard.ts).
app.http('dashboard-data', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'dashboard/data',
  handler: makeDashboardDataHandler(appServices),
});
