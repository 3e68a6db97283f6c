import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistoryRecord } from '../../shared/features/HistoryRecord';
import { API_KEY_HEADER, type ProviderItem, type ProviderPage } from '../../shared/sources/ProviderApi';
import type { OutageWindow } from '../../shared/replay/OutageWindow';
import type { Clock } from '../../shared/time/Clock';
import { DEFAULT_LIMIT, parseObservationsQuery } from '../providers/parseObservationsQuery';
import { ProviderRequestError } from '../providers/ProviderRequestError';

/** The app setting naming the backtest configuration whose history the replay providers (serveReplay) serve. */
export const REPLAY_CONFIG_SETTING = 'REPLAY_BACKTEST_CONFIG';

/** What one replayed source's provider serves. */
export interface ReplayProviderOptions {
  /** The source id (error messages name it). */
  source: string;
  /** The one site of the backtest. */
  site: string;
  /** Every record of the source, with the availableAt the backtest gives it (replayedAvailability). */
  records: readonly HistoryRecord[];
  /** The key clients send as `x-api-key`. */
  apiKey: string;
  /** The provider's now: a record is served once its availableAt is at or before it. */
  clock: Clock;
  /** When the provider is down (the backtest's outage windows): every request answers 503 then. */
  outages?: readonly OutageWindow[];
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A provider that serves a replayed history as it became available: at its clock's now, exactly the records whose
 * availableAt (the backtest's seeded delay and outage model) is at or before now. So the live stack reads, run by
 * run, what the backtest says the system could have read. During an outage window every request answers 503, as a
 * provider that is down does; its backlog (availableAt = the window's end) is served after it. Two wire shapes, both
 * with the key in `x-api-key`:
 *
 *   GET /observations?since=<ISO>&limit=<n>[&site=<id>]   our native format (shared/sources/ProviderApi.ts),
 *       publishedAt = the record's availableAt
 *   GET /records?from=<ISO>&to=<ISO>[&site=<id>]          a time-window JSON API for the `http-json` adapter:
 *       200 { site, records: [{ time, publishedAt, <field>: <value>, ... }] }, observed in [from, to] (both inclusive)
 */
export function replayProviderHandler(o: ReplayProviderOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const expectedKey = Buffer.from(o.apiKey, 'utf8');
  const byAvailable = [...o.records].sort((a, b) => a.availableAt - b.availableAt || a.observedAt - b.observedAt);
  const byObserved = [...o.records].sort((a, b) => a.observedAt - b.observedAt);
  return (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://replay.invalid');
      const now = o.clock.now().getTime();
      if (url.pathname !== '/observations' && url.pathname !== '/records')
        throw new ProviderRequestError(
          404,
          'NOT_FOUND',
          `unknown path "${url.pathname}"; the replay provider of "${o.source}" serves /observations and /records`,
        );
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw new ProviderRequestError(405, 'METHOD_NOT_ALLOWED', `method ${req.method ?? '?'} not allowed; use GET`);
      }
      const down = o.outages?.find((w) => now >= w.from && now < w.to);
      if (down) {
        send(res, 503, { error: `the provider of "${o.source}" is down until ${new Date(down.to).toISOString()}` });
        return;
      }
      const key = Buffer.from(String(req.headers[API_KEY_HEADER] ?? ''), 'utf8');
      if (key.length !== expectedKey.length || !timingSafeEqual(key, expectedKey))
        throw new ProviderRequestError(401, 'UNAUTHORIZED', `missing or wrong ${API_KEY_HEADER}`);
      const body =
        url.pathname === '/observations'
          ? observationsPage(o, byAvailable, url.searchParams, now)
          : windowRecords(o, byObserved, url.searchParams, now);
      send(res, 200, body);
    } catch (err) {
      if (err instanceof ProviderRequestError) send(res, err.status, err.toBody());
      else send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    }
  };
}

function observationsPage(
  o: ReplayProviderOptions,
  byAvailable: readonly HistoryRecord[],
  params: URLSearchParams,
  now: number,
): ProviderPage {
  const query = parseObservationsQuery(params, [o.site]);
  const since = query.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const due = byAvailable.filter((r) => r.availableAt > since && r.availableAt <= now);
  const limit = query.limit ?? DEFAULT_LIMIT;
  let end = Math.min(limit, due.length);
  // A page never splits records of one publishedAt: the next page starts after it.
  while (
    end < due.length &&
    end > 0 &&
    (due[end] as HistoryRecord).availableAt === (due[end - 1] as HistoryRecord).availableAt
  )
    end++;
  const items = due.slice(0, end).map((r): ProviderItem => ({
    site: o.site,
    observedAt: new Date(r.observedAt).toISOString(),
    publishedAt: new Date(r.availableAt).toISOString(),
    values: r.values,
  }));
  const last = due[end - 1];
  return { items, next: end < due.length && last ? new Date(last.availableAt).toISOString() : null };
}

function windowRecords(
  o: ReplayProviderOptions,
  byObserved: readonly HistoryRecord[],
  params: URLSearchParams,
  now: number,
): { site: string; records: Record<string, number | string>[] } {
  const from = instant(params, 'from');
  const to = instant(params, 'to');
  if (to < from) throw new ProviderRequestError(400, 'BAD_PARAMETER', 'bad parameter "to": before "from"', 'to');
  const site = params.get('site');
  if (site !== null && site !== o.site)
    throw new ProviderRequestError(
      400,
      'BAD_PARAMETER',
      `bad parameter "site": unknown site ${JSON.stringify(site)}; expected "${o.site}"`,
      'site',
    );
  const records = byObserved
    .filter((r) => r.observedAt >= from && r.observedAt <= to && r.availableAt <= now)
    .map((r) => ({
      time: new Date(r.observedAt).toISOString(),
      publishedAt: new Date(r.availableAt).toISOString(),
      ...r.values,
    }));
  return { site: o.site, records };
}

function instant(params: URLSearchParams, name: string): number {
  const text = params.get(name) ?? '';
  const t = Date.parse(text);
  if (!ISO_WITH_ZONE.test(text) || Number.isNaN(t))
    throw new ProviderRequestError(
      400,
      'BAD_PARAMETER',
      `bad parameter "${name}": expected an ISO 8601 time with a zone, got ${JSON.stringify(text)}`,
      name,
    );
  return t;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
