import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import type { Clock } from '../../shared/time/Clock';
import { listenExample } from './listenExample';
import { OpenMeteoRequestError } from './OpenMeteoRequestError';
import { openMeteoTimeRange } from './openMeteoTimeRange';
import { OPEN_METEO_VARIABLES, type OpenMeteoUnits } from './openMeteoVariables';
import type { RunningExample } from './RunningExample';

/** Options of startOpenMeteoServer. */
export interface OpenMeteoServerOptions {
  /** The server's now: "today", the allowed date range and `utc_offset_seconds` follow it. */
  clock: Clock;
  /** When set, every request must carry `&apikey=` with it (the commercial `customer-api.open-meteo.com`). */
  apiKey?: string;
  /** The zone `&timezone=auto` resolves to (the real API looks it up from the coordinates). */
  autoTimeZone?: string;
  /** 15-minutely values more than this many hours after now are null, as where a 15-minute model's horizon ends. */
  minutely15HorizonHours?: number;
  /** Elevation reported for every grid cell, in metres. */
  elevation?: number;
  /** Port to listen on (0 = a free one). */
  port?: number;
  /** Interface to listen on. */
  host?: string;
}

/** Defaults of OpenMeteoServerOptions. */
export const DEFAULT_OPEN_METEO_OPTIONS = {
  autoTimeZone: 'Europe/Berlin',
  minutely15HorizonHours: 48,
  elevation: 38,
  port: 0,
  host: '127.0.0.1',
} as const;

/** Grid spacing the coordinates snap to: the answer names the grid cell, a little away from the request. */
const GRID_DEG = 0.025;

/**
 * A stand-in for the Open-Meteo Forecast API, `GET /v1/forecast?latitude=&longitude=&minutely_15=&hourly=...`,
 * answering as its documentation shows: column-oriented blocks (`{ "time": [...], "<variable>": [...] }`) with
 * `*_units`, times as ISO8601 without seconds at the fixed `utc_offset_seconds` of `&timezone=` (default GMT) or
 * as unix seconds (`&timeformat=unixtime`), and `{"error": true, "reason": "..."}` with 400 for a bad parameter.
 * See local/examples/API-NOTES.md.
 */
export async function startOpenMeteoServer(opts: OpenMeteoServerOptions): Promise<RunningExample> {
  if (opts.apiKey === '') throw new RangeError('apiKey must not be empty when given');
  return listenExample(
    (req, res) => handle(req, res, opts),
    opts.port ?? DEFAULT_OPEN_METEO_OPTIONS.port,
    opts.host ?? DEFAULT_OPEN_METEO_OPTIONS.host,
  );
}

function handle(req: IncomingMessage, res: ServerResponse, opts: OpenMeteoServerOptions): void {
  try {
    const body = forecast(req, opts);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  } catch (err) {
    if (!(err instanceof OpenMeteoRequestError)) throw err;
    res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(err.toBody()));
  }
}

function forecast(req: IncomingMessage, opts: OpenMeteoServerOptions): Record<string, unknown> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/v1/forecast') throw new OpenMeteoRequestError(404, 'Not Found');
  if (req.method !== 'GET') throw new OpenMeteoRequestError(405, 'Method Not Allowed');
  const q = url.searchParams;
  if (opts.apiKey !== undefined && q.get('apikey') !== opts.apiKey)
    throw new OpenMeteoRequestError(401, 'Invalid or missing apikey');
  const format = q.get('format');
  if (format !== null && format !== 'json')
    throw new OpenMeteoRequestError(400, `This example server answers only format=json, got "${format}"`);
  const { lat, lon } = coordinates(q);
  const units = readUnits(q);
  const timeformat = q.get('timeformat') ?? 'iso8601';
  if (timeformat !== 'iso8601' && timeformat !== 'unixtime') throw invalidValue('Timeformat', timeformat, 'timeformat');
  const now = opts.clock.now();
  const zone = readZone(q.get('timezone'), opts.autoTimeZone ?? DEFAULT_OPEN_METEO_OPTIONS.autoTimeZone, now);
  const blocks: Array<['minutely_15' | 'hourly', string[]]> = [];
  for (const block of ['minutely_15', 'hourly'] as const) {
    const names = q
      .getAll(block)
      .flatMap((v) => v.split(','))
      .filter((v) => v !== '');
    for (const name of names) if (!(name in OPEN_METEO_VARIABLES)) throw invalidValue('WeatherVariable', name, block);
    if (names.length > 0) blocks.push([block, names]);
  }
  const body: Record<string, unknown> = {
    latitude: lat,
    longitude: lon,
    generationtime_ms: 0.5,
    utc_offset_seconds: zone.offsetSeconds,
    timezone: zone.name,
    timezone_abbreviation: zone.abbreviation,
    elevation: opts.elevation ?? DEFAULT_OPEN_METEO_OPTIONS.elevation,
  };
  const horizonMs =
    now.getTime() + (opts.minutely15HorizonHours ?? DEFAULT_OPEN_METEO_OPTIONS.minutely15HorizonHours) * 3_600_000;
  for (const [block, names] of blocks) {
    const steps = openMeteoTimeRange(q, block, zone.offsetSeconds, now);
    const times = Array.from({ length: steps.count }, (_, i) => steps.startMs + i * steps.stepMs);
    const unitsBlock: Record<string, string> = { time: timeformat };
    const data: Record<string, Array<string | number | null>> = {
      time: times.map((t) =>
        timeformat === 'unixtime' ? t / 1000 : new Date(t + zone.offsetSeconds * 1000).toISOString().slice(0, 16),
      ),
    };
    for (const name of names) {
      const variable = OPEN_METEO_VARIABLES[name];
      if (variable === undefined) continue;
      unitsBlock[name] = variable.unit(units);
      data[name] = times.map((t) =>
        block === 'minutely_15' && t > horizonMs ? null : variable.value(lat, lon, t, steps.stepMs, units),
      );
    }
    body[`${block}_units`] = unitsBlock;
    body[block] = data;
  }
  return body;
}

function coordinates(q: URLSearchParams): { lat: number; lon: number } {
  const latText = q.get('latitude') ?? '';
  const lonText = q.get('longitude') ?? '';
  if (latText === '' || lonText === '')
    throw new OpenMeteoRequestError(400, "Parameter 'latitude' and 'longitude' must not be empty");
  if (latText.includes(',') || lonText.includes(','))
    throw new OpenMeteoRequestError(
      400,
      'This example server answers for one location; give one latitude and one longitude',
    );
  const lat = Number(latText);
  const lon = Number(lonText);
  if (!(lat >= -90 && lat <= 90))
    throw new OpenMeteoRequestError(
      400,
      `Latitude must be in range of -90 to 90°. Given: ${swiftFloat(lat, latText)}.`,
    );
  if (!(lon >= -180 && lon <= 180))
    throw new OpenMeteoRequestError(
      400,
      `Longitude must be in range of -180 to 180°. Given: ${swiftFloat(lon, lonText)}.`,
    );
  const snap = (x: number): number => Math.round(Math.round(x / GRID_DEG) * GRID_DEG * 1000) / 1000;
  return { lat: snap(lat), lon: snap(lon) };
}

/** Swift prints a Float as "95.0"; a value that is no number stays as given. */
function swiftFloat(x: number, text: string): string {
  if (Number.isNaN(x)) return text;
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

function readUnits(q: URLSearchParams): OpenMeteoUnits {
  const temperature = q.get('temperature_unit') ?? 'celsius';
  const windSpeed = q.get('wind_speed_unit') ?? q.get('windspeed_unit') ?? 'kmh';
  const precipitation = q.get('precipitation_unit') ?? 'mm';
  if (temperature !== 'celsius' && temperature !== 'fahrenheit')
    throw invalidValue('TemperatureUnit', temperature, 'temperature_unit');
  if (windSpeed !== 'kmh' && windSpeed !== 'ms' && windSpeed !== 'mph' && windSpeed !== 'kn')
    throw invalidValue('WindspeedUnit', windSpeed, 'wind_speed_unit');
  if (precipitation !== 'mm' && precipitation !== 'inch')
    throw invalidValue('PrecipitationUnit', precipitation, 'precipitation_unit');
  return { temperature, windSpeed, precipitation };
}

/** Open-Meteo's wording for a value its decoder does not know (the documentation's error example). */
function invalidValue(type: string, value: string, key: string): OpenMeteoRequestError {
  return new OpenMeteoRequestError(400, `Cannot initialize ${type} from invalid String value ${value} for key ${key}`);
}

/** The `&timezone=` in force: its name, abbreviation and its offset now (one offset for the whole answer). */
function readZone(
  text: string | null,
  autoZone: string,
  now: Date,
): { name: string; abbreviation: string; offsetSeconds: number } {
  if (text === null || text === 'GMT' || text === 'UTC')
    return { name: text ?? 'GMT', abbreviation: text ?? 'GMT', offsetSeconds: 0 };
  const name = text === 'auto' ? autoZone : text;
  const t = DateTime.fromJSDate(now).setZone(name);
  if (!t.isValid || !name.includes('/')) throw new OpenMeteoRequestError(400, 'Invalid timezone');
  const gb = t.setLocale('en-GB').offsetNameShort ?? '';
  const us = t.setLocale('en-US').offsetNameShort ?? '';
  return { name, abbreviation: /^GMT[+-]/.test(gb) && !/^GMT[+-]/.test(us) ? us : gb, offsetSeconds: t.offset * 60 };
}
