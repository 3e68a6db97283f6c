import { DASHBOARD_SCRIPT_CARDS } from './dashboardScriptCards';
import { DASHBOARD_SCRIPT_CHARTS } from './dashboardScriptCharts';
import { DASHBOARD_SCRIPT_CORE } from './dashboardScriptCore';
import { DASHBOARD_SCRIPT_START } from './dashboardScriptStart';

/**
 * The dashboard page's script, served as `assets/dashboard.js` (a module, so the compiled app carries it; the
 * project compiles no browser code). Plain ES2020 for any current browser; it reads its settings from the page's
 * `dashboard-config` block, calls the HTTP API with the page's own `code` (the function key) if it was opened with
 * one, draws with uPlot, and refreshes itself. Data is put into the page as text only, never as markup.
 * Its parts are plain JavaScript in String.raw literals (no backticks or dollar-brace in them), joined here into one
 * function scope; they call each other only once the whole script has run.
 */
export const DASHBOARD_SCRIPT = [
  "(function () {\n'use strict';",
  DASHBOARD_SCRIPT_CORE,
  DASHBOARD_SCRIPT_CARDS,
  DASHBOARD_SCRIPT_CHARTS,
  DASHBOARD_SCRIPT_START,
  '})();\n',
].join('\n');
