import { performance } from 'node:perf_hooks';
import type { WorldSite } from '../world/World';
import { jsonResponse } from './jsonResponse';
import type { ObservationFeed } from './ObservationFeed';
import type { ProviderRoute } from './ProviderRoute';
import { requiredValue } from './requiredValue';
import { VendorQuery } from './VendorQuery';

/** How far (degrees, in latitude and in longitude) the asked position may be from a site's. */
export const WEATHER_SITE_TOLERANCE_DEG = 0.05;

/** The variables the vendor offers: unit and how to read it from the world's weather values. */
const VARIABLES = {
  temperature_2m: { unit: '°C', of: (v: Record<string, number>) => requiredValue(v, 'temp_c') },
  wind_speed_10m: {
    unit: 'km/h',
    of: (v: Record<string, number>) => Math.round(requiredValue(v, 'wind_speed_ms') * 360) / 100,
  },
  wind_direction_10m: { unit: '°', of: (v: Record<string, number>) => requiredValue(v, 'wind_dir_deg') },
  relative_humidity_2m: { unit: '%', of: (v: Record<string, number>) => requiredValue(v, 'humidity_pct') },
  surface_pressure: { unit: 'hPa', of: (v: Record<string, number>) => requiredValue(v, 'pressure_hpa') },
} as const;
type Variable = keyof typeof VARIABLES;
const ALL_VARIABLES = Object.keys(VARIABLES) as Variable[];

const UTC_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A weather API in columns (Open-Meteo-like), key in the `apikey` query parameter:
 *
 *   GET /v1/forecast?latitude=&longitude=&minutely_10=<variables>&start_minutely_10=yyyy-MM-ddTHH:mm
 *       &end_minutely_10=yyyy-MM-ddTHH:mm&timezone=GMT&apikey=<key>
 *   200 { latitude, longitude, ..., minutely_10_units: {...}, minutely_10: { time: [...], <variable>: [...] } }
 *
 * The site is the one nearest the position, within WEATHER_SITE_TOLERANCE_DEG in both; times are UTC without an
 * offset and the window is inclusive at both ends.
 */
export function weatherRoute(feed: ObservationFeed, sites: readonly WorldSite[]): ProviderRoute {
  return {
    path: /^\/v1\/forecast$/,
    pattern: '/v1/forecast',
    key: { kind: 'query', name: 'apikey' },
    respond: ({ query, now }) => {
      const started = performance.now();
      const q = new VendorQuery(query);
      const site = siteAt(q, sites);
      const variables = variablesOf(q);
      const fromMs = utcMinuteMs(q, 'start_minutely_10');
      const toMs = utcMinuteMs(q, 'end_minutely_10');
      q.checkWindow('start_minutely_10', fromMs, 'end_minutely_10', toMs);
      const timezone = q.optional('timezone');
      // Only UTC is served; a client asking for local times would silently get the wrong ones otherwise.
      if (timezone !== undefined && timezone !== 'GMT' && timezone !== 'UTC') throw q.bad('timezone', '"GMT" or "UTC"');
      const rows = feed.window(site.id, fromMs, toMs, now);
      const columns: Record<string, (string | number)[]> = {
        time: rows.map((r) => r.observedAt.toISOString().slice(0, 16)),
      };
      const units: Record<string, string> = { time: 'iso8601' };
      for (const v of variables) {
        columns[v] = rows.map((r) => VARIABLES[v].of(r.values));
        units[v] = VARIABLES[v].unit;
      }
      return jsonResponse(200, {
        latitude: site.latitude,
        longitude: site.longitude,
        generationtime_ms: Math.round((performance.now() - started) * 1000) / 1000,
        utc_offset_seconds: 0,
        timezone: 'GMT',
        timezone_abbreviation: 'GMT',
        // The simulated world has no terrain.
        elevation: 0,
        minutely_10_units: units,
        minutely_10: columns,
      });
    },
  };
}

/** The site nearest the asked position; the 400 names the coordinate that is off when no site is close enough. */
function siteAt(q: VendorQuery, sites: readonly WorldSite[]): WorldSite {
  const latitude = degrees(q, 'latitude', 90);
  const longitude = degrees(q, 'longitude', 180);
  // A hair of slack so that 55.73 is within 0.05 of 55.68 despite binary fractions.
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= WEATHER_SITE_TOLERANCE_DEG + 1e-9;
  let best: WorldSite | undefined;
  let bestD2 = Number.POSITIVE_INFINITY;
  for (const s of sites) {
    if (!near(s.latitude, latitude) || !near(s.longitude, longitude)) continue;
    const d2 = (s.latitude - latitude) ** 2 + (s.longitude - longitude) ** 2;
    if (d2 < bestD2) [best, bestD2] = [s, d2];
  }
  if (best) return best;
  const name = sites.some((s) => near(s.latitude, latitude)) ? 'longitude' : 'latitude';
  const known = sites.map((s) => `${s.id} (${s.latitude}, ${s.longitude})`).join(', ');
  throw q.bad(name, `a position within ${WEATHER_SITE_TOLERANCE_DEG}° in latitude and longitude of a site: ${known}`);
}

function degrees(q: VendorQuery, name: string, limit: number): number {
  const expected = `decimal degrees from -${limit} to ${limit}`;
  const text = q.required(name, expected);
  const v = Number(text);
  if (!DECIMAL.test(text) || !(Math.abs(v) <= limit)) throw q.bad(name, expected);
  return v;
}

function variablesOf(q: VendorQuery): Variable[] {
  const text = q.optional('minutely_10');
  if (text === undefined) return ALL_VARIABLES;
  const expected = `a comma-separated list of distinct variables from ${ALL_VARIABLES.join(', ')}`;
  const names = text.split(',');
  const known = (n: string): n is Variable => (ALL_VARIABLES as string[]).includes(n);
  if (!names.every(known) || new Set(names).size !== names.length) throw q.bad('minutely_10', expected);
  return names;
}

function utcMinuteMs(q: VendorQuery, name: string): number {
  const expected = 'a UTC time as yyyy-MM-ddTHH:mm';
  const m = UTC_MINUTE.exec(q.required(name, expected));
  if (!m) throw q.bad(name, expected);
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi));
  // Date.UTC rolls 2026-02-30 over into March and 24:00 into the next day; neither is the time the client meant.
  if (
    t.getUTCFullYear() !== y ||
    t.getUTCMonth() !== mo - 1 ||
    t.getUTCDate() !== d ||
    t.getUTCHours() !== h ||
    t.getUTCMinutes() !== mi
  ) {
    throw q.bad(name, expected);
  }
  return t.getTime();
}
