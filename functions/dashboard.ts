import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { dashboardApiBase } from '../shared/dashboard/dashboardApiBase';
import { DASHBOARD_ASSETS } from '../shared/dashboard/dashboardAssets';
import { DASHBOARD_HEADERS } from '../shared/dashboard/dashboardHeaders';
import { dashboardPage } from '../shared/dashboard/dashboardPage';
import { errorPage } from '../shared/dashboard/errorPage';
import { parseDashboardQuery } from '../shared/dashboard/parseDashboardQuery';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';

/**
 * Seconds between the page's refreshes. What it shows changes once per predict run (the summary, every 10 minutes),
 * so a faster refresh would mostly be answered 304 and billed a second each; a new forecast shows within 2 minutes.
 */
const REFRESH_SECONDS = 120;
const HTML = 'text/html; charset=utf-8';

/**
 * The handler of `GET /api/dashboard[?site=<id>][&hours=<n>]`: the dashboard page of a site. The page holds no data;
 * its script makes one call per refresh, to /api/dashboard/data (functions/dashboardData.ts), same-origin and without
 * any key. A bad parameter is a 400 page naming it.
 */
export function makeDashboardHandler(services: () => Services) {
  return async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const { config } = services();
    const query = parseDashboardQuery(
      request,
      config.sites.map((s) => s.id),
    );
    const apiBase = dashboardApiBase(new URL(request.url).pathname);
    if ('error' in query)
      return {
        status: 400,
        body: errorPage(query.error, apiBase),
        headers: { ...DASHBOARD_HEADERS, 'content-type': HTML, 'cache-control': 'no-store' },
      };
    const body = dashboardPage({
      config,
      apiBase,
      site: query.site,
      hours: query.hours,
      refreshSeconds: REFRESH_SECONDS,
    });
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
    if (!asset)
      return {
        status: 404,
        body: 'no such dashboard asset\n',
        headers: { ...DASHBOARD_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
      };
    let body = cache.get(name);
    if (!body) {
      try {
        body = asset.body();
      } catch (err) {
        context.error(`dashboard: the asset ${name} could not be read: ${(err as Error).message}`);
        return {
          status: 500,
          body: 'the dashboard asset could not be read\n',
          headers: { ...DASHBOARD_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
        };
      }
      cache.set(name, body);
    }
    return {
      status: 200,
      body,
      headers: { ...DASHBOARD_HEADERS, 'content-type': asset.contentType, 'cache-control': asset.cacheControl },
    };
  };
}

// Decision (issue 14): the dashboard carries no key. A function key in `?code=` could only be a host key (it must
// open forecast, actuals and health alike), and it ended up in addresses, bookmarks, history and logs. Instead the
// dashboard and its data routes (dashboard/data, and dashboard/forecast, dashboard/actuals, dashboard/health) are anonymous at
// the Functions level and, in Azure, behind App Service Authentication with Entra ID (authsettingsV2, requireAuthentication
// with Return401/RedirectToLoginPage): the usual pattern with Easy Auth, which runs before the Functions host and
// knows users, where a key knows none (Azure/azure-functions-host#11394). Machine clients keep the key-protected
// /api/forecast, /api/actuals and /api/health/details, which the authentication settings exclude so a function key
// alone works; /api/health is excluded and anonymous. BICEP-NOTES.md has the exact settings. Locally, as under Core
// Tools, there is neither key nor sign-in.
app.http('dashboard', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'dashboard',
  handler: makeDashboardHandler(appServices),
});
app.http('dashboard-assets', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'dashboard/assets/{name}',
  handler: makeDashboardAssetHandler(),
});
