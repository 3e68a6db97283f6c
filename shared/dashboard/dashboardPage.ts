import type { ForecastConfig } from '../config/ForecastConfig';
import { escapeHtml } from './escapeHtml';
import { jsonForScript } from './jsonForScript';
import { DASHBOARD_WINDOWS_HOURS } from './parseDashboardQuery';

/** What the page is built from. */
export interface DashboardPageInput {
  config: ForecastConfig;
  /** The path the API lives under, with a trailing slash (`/api/`): the page, its assets and the data endpoints. */
  apiBase: string;
  /** The site shown first. */
  site: string;
  /** The window, hours back from now. */
  hours: number;
  /** Seconds between refreshes. */
  refreshSeconds: number;
}

/** What the page's script reads from its `dashboard-config` block. */
export interface DashboardClientConfig {
  apiBase: string;
  site: string;
  hours: number;
  windows: readonly number[];
  refreshSeconds: number;
  sites: { id: string; name: string }[];
  sources: { id: string; kind: string }[];
  target: { source: string; field: string; unit: string };
  leads: number[];
  cadenceMinutes: number;
}

/**
 * The dashboard's HTML: a static shell whose script (`assets/dashboard.js`) fetches the data from the API and draws
 * it with uPlot. No inline script or style, so the strict Content-Security-Policy holds; the configuration the script
 * needs travels in a JSON data block, which the browser never executes. Nothing a caller sent is echoed but the
 * site and window, both checked against fixed lists; the function key is never written into the page.
 */
export function dashboardPage(input: DashboardPageInput): string {
  const { config, apiBase, site, hours } = input;
  const client: DashboardClientConfig = {
    apiBase,
    site,
    hours,
    windows: DASHBOARD_WINDOWS_HOURS,
    refreshSeconds: input.refreshSeconds,
    sites: config.sites.map((s) => ({ id: s.id, name: s.name ?? s.id })),
    sources: config.sources.map((s) => ({ id: s.id, kind: s.kind })),
    target: { source: config.target.source, field: config.target.field, unit: config.target.unit },
    leads: [...config.forecast.leadsMinutes].sort((a, b) => a - b),
    cadenceMinutes: config.forecast.cadenceMinutes,
  };
  const asset = (name: string): string => escapeHtml(`${apiBase}dashboard/assets/${name}`);
  const siteOptions = config.sites
    .map(
      (s) =>
        `<option value="${escapeHtml(s.id)}"${s.id === site ? ' selected' : ''}>${escapeHtml(s.name ? `${s.name} (${s.id})` : s.id)}</option>`,
    )
    .join('');
  const windowOptions = DASHBOARD_WINDOWS_HOURS.map(
    (h) =>
      `<option value="${h}"${h === hours ? ' selected' : ''}>last ${h < 48 ? `${h} h` : `${h / 24} days`}</option>`,
  ).join('');
  const target = config.target;
  const leads = client.leads.map((l) => `+${l}`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Forecast dashboard - ${escapeHtml(site)}</title>
<link rel="stylesheet" href="${asset('uPlot.min.css')}">
<link rel="stylesheet" href="${asset('dashboard.css')}">
<script id="dashboard-config" type="application/json">${jsonForScript(client)}</script>
<script src="${asset('uPlot.iife.min.js')}" defer></script>
<script src="${asset('dashboard.js')}" defer></script>
</head>
<body data-state="loading" data-refreshes="0">
<header class="top">
  <div class="brand">
    <h1>Forecast dashboard</h1>
    <p class="subtitle">${escapeHtml(target.field)} (${escapeHtml(target.unit || 'no unit')}) from ${escapeHtml(target.source)}, forecast ${escapeHtml(leads)} min ahead every ${config.forecast.cadenceMinutes} min</p>
  </div>
  <form class="controls" id="controls" method="get" action="${escapeHtml(`${apiBase}dashboard`)}">
    <label>Site <select name="site" id="site">${siteOptions}</select></label>
    <label>Window <select name="hours" id="hours">${windowOptions}</select></label>
    <button type="button" id="refresh" class="button">Refresh</button>
  </form>
</header>
<p id="status" class="status" role="status" aria-live="polite">Loading&hellip;</p>
<div id="errors" class="errors" role="alert" hidden></div>
<noscript><p class="errors">The dashboard draws its charts with JavaScript; enable it to see them. The data is at ${escapeHtml(apiBase)}dashboard/data.</p></noscript>
<main>
  <section class="cards" aria-label="Current state">
    <article class="card" id="card-model"><h2>Serving model</h2><div class="card-body"><p class="muted">Loading&hellip;</p></div></article>
    <article class="card" id="card-latest"><h2>Latest forecast</h2><div class="card-body"><p class="muted">Loading&hellip;</p></div></article>
    <article class="card" id="card-health"><h2>Health</h2><div class="card-body"><p class="muted">Loading&hellip;</p></div></article>
    <article class="card" id="card-budget"><h2>Budget</h2><div class="card-body"><p class="muted">Loading&hellip;</p></div></article>
  </section>
  <section class="panel" aria-labelledby="h-leads">
    <div class="panel-head"><h2 id="h-leads">Forecast vs actual</h2><p class="hint">Each forecast is drawn at its valid time (issue time + lead), next to the value observed then. Error figures compare the two where both exist.</p></div>
    <div id="lead-charts" class="lead-charts"></div>
  </section>
  <section class="panel" aria-labelledby="h-fresh">
    <div class="panel-head"><h2 id="h-fresh">Input freshness</h2><p class="hint">How old each source's newest available observation was at every issue time. Hollow markers: the model did not use the input. Dashed: each source's staleness limit now.</p></div>
    <figure id="freshness-chart" class="chart" data-chart="freshness"></figure>
    <div class="table-wrap"><table id="sources-table" class="sources"><caption>Sources now</caption><thead><tr><th scope="col">source</th><th scope="col">kind</th><th scope="col">newest observation or run (UTC)</th><th scope="col">age</th><th scope="col">limit</th><th scope="col">state</th><th scope="col">breaker</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section class="panel" aria-labelledby="h-models">
    <div class="panel-head"><h2 id="h-models">Models served</h2><p class="hint">Which model made the forecasts of the window, and with which sources.</p></div>
    <div id="model-timeline" class="timeline"></div>
  </section>
</main>
<footer class="foot">Times in UTC. Data from <code>${escapeHtml(apiBase)}dashboard/data</code>, one call per refresh every ${input.refreshSeconds} s that asks only for what is newer; the health facts are as of the last predict run. Charts by uPlot.</footer>
</body>
</html>
`;
}
