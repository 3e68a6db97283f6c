import { readFileSync } from 'node:fs';
import { DASHBOARD_SCRIPT } from './dashboardScript';
import { DASHBOARD_CSS } from './dashboardStyles';

/** One file the dashboard page loads. */
export interface DashboardAsset {
  contentType: string;
  /** How long browsers may keep it without asking again. */
  cacheControl: string;
  body(): Buffer;
}

const CACHE_PAGE_CODE = 'no-cache';
const CACHE_LIBRARY = 'public, max-age=86400';

/** uPlot's own build, as the `uplot` package ships it (a production dependency, so the deployment package has it). */
function fromUplot(file: string): () => Buffer {
  return () => readFileSync(require.resolve(`uplot/dist/${file}`));
}

/**
 * The files the page may load by name, and nothing else: the page's script and stylesheet (compiled into the app as
 * strings) and uPlot's script and stylesheet. Names are matched exactly, so no path a caller sends reaches the disk.
 */
export const DASHBOARD_ASSETS: ReadonlyMap<string, DashboardAsset> = new Map([
  [
    'dashboard.js',
    {
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: CACHE_PAGE_CODE,
      body: () => Buffer.from(DASHBOARD_SCRIPT),
    },
  ],
  [
    'dashboard.css',
    { contentType: 'text/css; charset=utf-8', cacheControl: CACHE_PAGE_CODE, body: () => Buffer.from(DASHBOARD_CSS) },
  ],
  [
    'uPlot.iife.min.js',
    {
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: CACHE_LIBRARY,
      body: fromUplot('uPlot.iife.min.js'),
    },
  ],
  [
    'uPlot.min.css',
    { contentType: 'text/css; charset=utf-8', cacheControl: CACHE_LIBRARY, body: fromUplot('uPlot.min.css') },
  ],
]);
