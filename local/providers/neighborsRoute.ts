import { NEIGHBOR_STATIONS } from '../world/NEIGHBOR_STATIONS';
import type { ObservationFeed } from './ObservationFeed';
import { ProviderRequestError } from './ProviderRequestError';
import type { ProviderRoute } from './ProviderRoute';
import { requiredValue } from './requiredValue';
import { VendorQuery } from './VendorQuery';

const EPOCH_SECONDS = /^\d{1,12}$/;

/**
 * A station network's CSV export, key as `Authorization: Bearer <key>`:
 *
 *   GET /stations/<siteId>/export.csv?from=<epoch seconds>&to=<epoch seconds>
 *   200 text/csv, `;`-separated: a `#` comment line, a header `timestamp;ghi_w25;...`, one row per observation
 *
 * The window is inclusive at both ends; irradiance in W/m² to 0.1, the stations in NEIGHBOR_STATIONS order.
 */
export function neighborsRoute(feed: ObservationFeed, sites: readonly string[]): ProviderRoute {
  return {
    path: /^\/stations\/([^/]+)\/export\.csv$/,
    pattern: '/stations/<siteId>/export.csv',
    key: { kind: 'bearer' },
    respond: ({ segments: [siteId = ''], query, now }) => {
      if (!sites.includes(siteId))
        throw new ProviderRequestError(
          404,
          'NOT_FOUND',
          `unknown site "${siteId}"; expected one of ${sites.map((s) => `"${s}"`).join(', ')}`,
        );
      const q = new VendorQuery(query);
      const fromMs = epochSecondsMs(q, 'from');
      const toMs = epochSecondsMs(q, 'to');
      q.checkWindow('from', fromMs, 'to', toMs);
      const lines = [
        `# upwind stations of ${siteId}; irradiance in W/m2; times in seconds since 1970-01-01 UTC`,
        ['timestamp', ...NEIGHBOR_STATIONS.map((s) => s.field)].join(';'),
        ...feed
          .window(siteId, fromMs, toMs, now)
          .map((o) =>
            [
              String(o.observedAt.getTime() / 1000),
              ...NEIGHBOR_STATIONS.map((s) => requiredValue(o.values, s.field).toFixed(1)),
            ].join(';'),
          ),
      ];
      return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: `${lines.join('\n')}\n` };
    },
  };
}

function epochSecondsMs(q: VendorQuery, name: string): number {
  const expected = 'a whole number of seconds since 1970-01-01T00:00:00Z';
  const text = q.required(name, expected);
  if (!EPOCH_SECONDS.test(text)) throw q.bad(name, expected);
  return Number(text) * 1000;
}
