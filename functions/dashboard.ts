import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { DASHBOARD_ASSETS } from '../shared/dashboard/dashboardAssets';
import { DASHBOARD_HEADERS } from '../shared/dashboard/dashboardHeaders';
import { dashboardPage } from '../shared/dashboard/dashboardPage';
import { errorPage } from '../shared/dashboard/errorPage';
import { parseDashboardQuery } from '../shared/dashboard/parseDashboardQuery';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';

/** Seconds between the page's refreshes. */
const REFRESH_SECONDS = 30;
const HTML = 'text/html; charset=utf-8';

/**
 * The handler of `GET /api/dashboard[?site=<id>][&hours=<n>]`: the dashboard page of a site. The page holds no data
 * (its script fetches /api/forecast, /api/actuals and /api/health, passing on the `code` it was opened with), so it
 * is served without a key. A bad parameter is a 400 page naming it.
 */
export function makeDashboardHandler(services: () => Services) {
  return async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { config } = services();
    const query = parseDashboardQuery(request, config.sites.map((s) => s.id));
    const apiBase = apiBaseOf(request);
    if ('error' in query) return { status: 400, body: errorPage(query.error, apiBase), headers: { ...DASHBOARD_HEADERS, 'content-type': HTML, 'cache-control': 'no-store' } };
    const body = dashboardPage({ config, apiBase, site: query.site, hours: query.hours, refreshSeconds: REFRESH_SECONDS });
    return { status: 200, body, headers: { ...DASHBOARD_HEADERS, 'content-type': HTML, 'cache-control': 'no-cache' } };
  };
}

/**
 * The handler of `GET /api/dashboard/assets/{name}`: the page's script and stylesheet and uPlot's, by exact name;
 * anything else is a 404. Read once per process.
 */
export function makeDashboardAssetHandler() {
  const cache = new Map<string, Buffer>();
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const name = request.params['name'] ?? '';
    const asset = DASHBOARD_ASSETS.get(name);
    if (!asset) return { status: 404, body: 'no such dashboard asset\n', headers: { ...DASHBOARD_HEADERS, 'content-type': 'text/plain; charset=utf-8' } };
    let body = cache.get(name);
    if (!body) {
      try {
        body = asset.body();
      } catch (err) {
        context.error(`dashboard: the asset ${name} could not be read: ${(err as Error).message}`);
        return { status: 500, body: 'the dashboard asset could not be read\n', headers: { ...DASHBOARD_HEADERS, 'content-type': 'text/plain; charset=utf-8' } };
      }
      cache.set(name, body);
    }
    return { status: 200, body, headers: { ...DASHBOARD_HEADERS, 'content-type': asset.contentType, 'cache-control': asset.cacheControl } };
  };
}

/** `/api/` for a request to `/api/dashboard`: where the page finds its assets and the data endpoints. */
function apiBaseOf(request: HttpRequest): string {
  const path = new URL(request.url).pathname.replace(/\/dashboard\/?$/i, '/');
  return /^\/[A-Za-z0-9/_-]*$/.test(path) ? path : '/api/';
}

// The page and its assets carry no data: anonymous. The data endpoints it calls require the function key when deployed.
app.http('dashboard', { methods: ['GET'], authLevel: 'anonymous', route: 'dashboard', handler: makeDashboardHandler(appServices) });
app.http('dashboard-assets', { methods: ['GET'], authLevel: 'anonymous', route: 'dashboard/assets/{name}', handler: makeDashboardAssetHandler() });
