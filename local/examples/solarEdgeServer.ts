import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import type { Clock } from '../../shared/time/Clock';
import { listenExample } from './listenExample';
import type { RunningExample } from './RunningExample';
import { type SolarEdgeSite, solarEdgePowerValues } from './solarEdgePowerValues';

/** Options of startSolarEdgeServer. */
export interface SolarEdgeServerOptions {
  /** The `api_key` every request must carry. */
  apiKey: string;
  /** The server's now: quarters after it have no data yet. */
  clock: Clock;
  /** The site served; other site ids are refused like a site the key may not see. */
  site?: Partial<SolarEdgeSite>;
  /** Answer every request with 410 Gone, as the retired Monitoring API V1 does since November 2026. */
  retired?: boolean;
  /** Port to listen on (0 = a free one). */
  port?: number;
  /** Interface to listen on. */
  host?: string;
}

/** Defaults of SolarEdgeServerOptions: a 10 kWp site in Berlin (the id is the one of the documentation's examples). */
export const DEFAULT_SOLAREDGE_OPTIONS = {
  site: { id: 1, timeZone: 'Europe/Berlin', latitude: 52.52, longitude: 13.41, peakPowerW: 10_000 },
  port: 0,
  host: '127.0.0.1',
} as const;

const POWER_PATH = /^\/site\/(\d+)\/power(?:\.json)?$/;
const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})$/;

/**
 * A stand-in for the SolarEdge Monitoring API V1 "Site Power" endpoint, answering as its documentation shows:
 * `GET /site/{siteId}/power?startTime=yyyy-MM-dd hh:mm:ss&endTime=...&api_key=...` returns
 * `{"power":{"timeUnit":"QUARTER_OF_AN_HOUR","unit":"W","measuredBy":"INVERTER","values":[{"date","value"}]}}` in the
 * site's local time; 403 for a bad key, another site or a period over one month; 400 for a malformed time.
 * See local/examples/API-NOTES.md.
 */
export async function startSolarEdgeServer(opts: SolarEdgeServerOptions): Promise<RunningExample> {
  if (opts.apiKey === '') throw new RangeError('apiKey must not be empty');
  const site: SolarEdgeSite = { ...DEFAULT_SOLAREDGE_OPTIONS.site, ...opts.site };
  if (!DateTime.now().setZone(site.timeZone).isValid)
    throw new RangeError(`site.timeZone is not an IANA zone: "${site.timeZone}"`);
  return listenExample(
    (req, res) => handle(req, res, site, opts),
    opts.port ?? DEFAULT_SOLAREDGE_OPTIONS.port,
    opts.host ?? DEFAULT_SOLAREDGE_OPTIONS.host,
  );
}

function handle(req: IncomingMessage, res: ServerResponse, site: SolarEdgeSite, opts: SolarEdgeServerOptions): void {
  if (opts.retired) {
    text(res, 410, 'Gone: the SolarEdge Monitoring API V1 has been retired; use the Monitoring API V2.');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = POWER_PATH.exec(url.pathname);
  if (!match) return text(res, 404, `Not Found: ${url.pathname}`);
  if (req.method !== 'GET') return text(res, 405, `Method Not Allowed: ${req.method ?? '?'}`);
  const q = url.searchParams;
  if (q.get('api_key') !== opts.apiKey) return text(res, 403, 'Forbidden: invalid or missing api_key');
  if (Number(match[1]) !== site.id) return text(res, 403, `Forbidden: no permission to view site ${match[1]}`);
  const start = parseSiteTime(q.get('startTime'), site.timeZone);
  const end = parseSiteTime(q.get('endTime'), site.timeZone);
  if (typeof start === 'string') return text(res, 400, `Bad Request: startTime ${start}`);
  if (typeof end === 'string') return text(res, 400, `Bad Request: endTime ${end}`);
  if (end < start) return text(res, 403, 'Forbidden: endTime must not be before startTime');
  if (end > start.plus({ months: 1 })) return text(res, 403, 'Forbidden: this API is limited to one-month period');
  const body = {
    power: {
      timeUnit: 'QUARTER_OF_AN_HOUR',
      unit: 'W',
      measuredBy: 'INVERTER',
      values: solarEdgePowerValues(site, start, end, opts.clock.now()),
    },
  };
  res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** A "yyyy-MM-dd hh:mm:ss" time in the site's zone (the documentation's own example writes "2013-05-5"), or why not. */
function parseSiteTime(text: string | null, zone: string): DateTime | string {
  if (text === null) return 'is missing';
  const m = DATE_TIME.exec(text);
  if (!m) return `must be "yyyy-MM-dd hh:mm:ss", got "${text}"`;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
  if (!t.isValid || t.day !== day || t.month !== month) return `is not a valid date and time: "${text}"`;
  return t;
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}
