import type { CostInputs } from './CostInputs';

/** What open dashboards ask of the app in a month, counted from what its script does (shared/dashboard/dashboardScriptCore.ts). */
export interface DashboardUsage {
  /** Refreshes of all open dashboards. */
  refreshes: number;
  /** Function executions, by the call that causes them. */
  calls: {
    /** GET /api/health: the same blob reads, listings and Cosmos query as any other health check. */
    health: number;
    /** GET /api/forecast?site: the latest forecast, one Cosmos query returning one document. */
    latestForecast: number;
    /** GET /api/forecast?site&from&to: a Cosmos query returning every forecast of the window. */
    rangeForecast: number;
    /** GET /api/actuals?site&from&to: a blob listing per UTC day folder of the target source, no downloads. */
    actuals: number;
    /** GET /api/dashboard: the page. */
    page: number;
    /** GET /api/dashboard/assets/{name}: the page's script and stylesheet, and uPlot's. */
    assets: number;
  };
  /** Forecast documents one range query returns (one per issue slot; the page shows one site). */
  forecastsPerRange: number;
  /** RUs of one range query. */
  ruPerRange: number;
  /** Blob listings of one actuals call: the day folders a window spans on average. */
  listsPerActuals: number;
}

/**
 * The dashboard's load in a month of `hoursPerMonth`. Each refresh makes four calls (health and the latest forecast
 * together, then the window's forecasts and actuals together); each page load fetches the page, its script and its
 * stylesheet (served `no-cache`), and uPlot's two files at most once a day (cached a day). One viewer's browser.
 */
export function dashboardUsage(inputs: CostInputs, hoursPerMonth: number): DashboardUsage {
  const openHours = inputs.dashboardOpenHoursPerDay * (hoursPerMonth / 24);
  const refreshes = openHours * (3600 / inputs.dashboardRefreshSeconds);
  const pageLoads = openHours * inputs.dashboardPageLoadsPerOpenHour;
  const loadsPerDay = inputs.dashboardOpenHoursPerDay * inputs.dashboardPageLoadsPerOpenHour;
  const uplotLoads = Math.min(loadsPerDay, 1) * (hoursPerMonth / 24);
  const forecastsPerRange = inputs.dashboardWindowHours * (60 / inputs.predictEveryMinutes);
  return {
    refreshes,
    calls: {
      health: refreshes,
      latestForecast: refreshes,
      rangeForecast: refreshes,
      actuals: refreshes,
      page: pageLoads,
      assets: pageLoads * 2 + uplotLoads * 2,
    },
    forecastsPerRange,
    ruPerRange:
      inputs.cosmosRuPerQuery + (forecastsPerRange * inputs.forecastBytes * inputs.cosmosRuPerQueriedKb) / 1000,
    // A window of W hours starting at a random time crosses a UTC midnight W/24 times on average; one listing page
    // holds 5,000 blobs, more than a day of observations.
    listsPerActuals: 1 + inputs.dashboardWindowHours / 24,
  };
}
