import { DateTime } from 'luxon';
import { jsonResponse } from './jsonResponse';
import type { ObservationFeed } from './ObservationFeed';
import { ProviderRequestError } from './ProviderRequestError';
import type { ProviderRoute } from './ProviderRoute';
import { requiredValue } from './requiredValue';
import { VendorQuery } from './VendorQuery';

/** The vendor's time zone: its query and its answer are wall-clock times there, with no offset. */
export const SITE_METER_ZONE = 'Europe/Copenhagen';

const WALL_CLOCK = 'yyyy-MM-dd HH:mm:ss';
const WALL_CLOCK_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * A PV monitoring vendor's telemetry (SolarEdge-like), key in the `api_key` query parameter:
 *
 *   GET /api/v2/sites/<siteId>/telemetry?startTime=yyyy-MM-dd HH:mm:ss&endTime=yyyy-MM-dd HH:mm:ss&api_key=<key>
 *   200 { telemetry: { siteId, timeUnit: "TEN_MINUTES", timeZone, units, values: [{ date, power, irradiance }] } }
 *
 * The window is inclusive at both ends; power in W, irradiance in W/m². Dates are wall-clock times in
 * Europe/Copenhagen, so the hour that repeats when summer time ends appears twice with the same dates, as it does
 * with the real vendor.
 */
export function siteMeterRoute(feed: ObservationFeed, sites: readonly string[]): ProviderRoute {
  return {
    path: /^\/api\/v2\/sites\/([^/]+)\/telemetry$/,
    pattern: '/api/v2/sites/<siteId>/telemetry',
    key: { kind: 'query', name: 'api_key' },
    respond: ({ segments: [siteId = ''], query, now }) => {
      if (!sites.includes(siteId))
        throw new ProviderRequestError(
          404,
          'NOT_FOUND',
          `unknown site "${siteId}"; expected one of ${sites.map((s) => `"${s}"`).join(', ')}`,
        );
      const q = new VendorQuery(query);
      const fromMs = wallClockMs(q, 'startTime');
      const toMs = wallClockMs(q, 'endTime');
      q.checkWindow('startTime', fromMs, 'endTime', toMs);
      const values = feed.window(siteId, fromMs, toMs, now).map((o) => ({
        date: DateTime.fromJSDate(o.observedAt, { zone: SITE_METER_ZONE }).toFormat(WALL_CLOCK),
        // The world's kW have one decimal; times 1000 would show binary noise (123456.70000000001).
        power: Math.round(requiredValue(o.values, 'power_kw') * 10_000) / 10,
        irradiance: requiredValue(o.values, 'ghi_wm2'),
      }));
      return jsonResponse(200, {
        telemetry: {
          siteId,
          timeUnit: 'TEN_MINUTES',
          timeZone: SITE_METER_ZONE,
          units: { power: 'W', irradiance: 'W/m2' },
          values,
        },
      });
    },
  };
}

/**
 * The instant of a wall-clock time in the vendor's zone. In the hour that repeats when summer time ends, the earlier
 * occurrence (so a window starting there covers both); a time skipped when summer time starts does not exist.
 */
function wallClockMs(q: VendorQuery, name: string): number {
  const expected = `a local time in ${SITE_METER_ZONE} as yyyy-MM-dd HH:mm:ss`;
  const text = q.required(name, expected);
  const dt = WALL_CLOCK_TEXT.test(text) ? DateTime.fromFormat(text, WALL_CLOCK, { zone: SITE_METER_ZONE }) : null;
  if (!dt?.isValid) throw q.bad(name, expected);
  // Luxon moves a skipped time forward (02:30 -> 03:30) and picks the later of two occurrences; we want neither.
  const candidates = dt.getPossibleOffsets().filter((c) => c.toFormat(WALL_CLOCK) === text);
  if (candidates.length === 0)
    throw q.bad(name, `${expected} that exists (it falls in the hour skipped when summer time starts)`);
  return Math.min(...candidates.map((c) => c.toMillis()));
}
