import { OpenMeteoRequestError } from './OpenMeteoRequestError';

/** Time steps of one block: `count` steps of `stepMs` from `startMs` (UTC epoch ms). */
export interface OpenMeteoSteps {
  startMs: number;
  stepMs: number;
  count: number;
}

const DAY_MS = 86_400_000;
const FORECAST_DAYS_MAX = 16;
const PAST_DAYS_MAX = 92;
const RANGE_PARAMS = [
  'start_date',
  'end_date',
  'start_hour',
  'end_hour',
  'start_minutely_15',
  'end_minutely_15',
] as const;
const COUNT_PARAMS = [
  'past_days',
  'forecast_days',
  'past_hours',
  'forecast_hours',
  'past_minutely_15',
  'forecast_minutely_15',
] as const;

/**
 * The steps of the `hourly` (stepMs 3 600 000) or `minutely_15` (900 000) block, following Open-Meteo's rules: an
 * explicit `start_*`/`end_*` pair (wall times at the fixed `utcOffsetSeconds`, end included) or else `start_date`/
 * `end_date`; without either, `forecast_*`/`past_*` counts from the current step, or else whole days from local
 * midnight (`forecast_days`, default 7 for hourly and 3 for 15-minutely). Throws OpenMeteoRequestError as Open-Meteo.
 */
export function openMeteoTimeRange(
  q: URLSearchParams,
  block: 'hourly' | 'minutely_15',
  utcOffsetSeconds: number,
  now: Date,
): OpenMeteoSteps {
  const stepMs = block === 'hourly' ? 3_600_000 : 900_000;
  const off = utcOffsetSeconds * 1000;
  const today = Math.floor((now.getTime() + off) / DAY_MS) * DAY_MS - off;
  const allowed = { from: today - PAST_DAYS_MAX * DAY_MS, to: today + FORECAST_DAYS_MAX * DAY_MS };
  if (RANGE_PARAMS.some((p) => q.has(p))) {
    for (const p of COUNT_PARAMS) {
      if (Number(q.get(p) ?? '0') !== 0)
        throw new OpenMeteoRequestError(
          400,
          "Parameter 'past_days' is mutually exclusive with 'start_date' and 'end_date'",
        );
    }
    const own =
      block === 'hourly'
        ? pair(q, 'start_hour', 'end_hour', 'time', off)
        : pair(q, 'start_minutely_15', 'end_minutely_15', 'time', off);
    const dates = pair(q, 'start_date', 'end_date', 'date', off);
    const range = own ?? (dates ? { from: dates.from, to: dates.to + DAY_MS - stepMs } : undefined);
    if (!range) return { startMs: now.getTime(), stepMs, count: 0 };
    const names = own
      ? block === 'hourly'
        ? ['start_hourly', 'end_hourly']
        : ['start_minutely_15', 'end_minutely_15']
      : ['start_date', 'end_date'];
    const from = Math.floor(range.from / stepMs) * stepMs;
    const to = Math.floor(range.to / stepMs) * stepMs;
    if (!(from >= allowed.from && from < allowed.to)) throw outOfRange(names[0] as string, allowed, off);
    if (!(to >= allowed.from && to < allowed.to)) throw outOfRange(names[1] as string, allowed, off);
    return { startMs: from, stepMs, count: (to - from) / stepMs + 1 };
  }
  const pastDays = count(q, 'past_days', PAST_DAYS_MAX, 'Past days');
  const forecastDays = count(q, 'forecast_days', FORECAST_DAYS_MAX, 'Forecast days');
  const stepsPerDay = DAY_MS / stepMs;
  const pastSteps = count(
    q,
    block === 'hourly' ? 'past_hours' : 'past_minutely_15',
    PAST_DAYS_MAX * stepsPerDay,
    'Past days',
  );
  const forecastSteps = count(
    q,
    block === 'hourly' ? 'forecast_hours' : 'forecast_minutely_15',
    FORECAST_DAYS_MAX * stepsPerDay,
    'Forecast days',
  );
  if (pastSteps !== undefined || forecastSteps !== undefined) {
    const current = Math.floor(now.getTime() / stepMs) * stepMs;
    const past = pastSteps ?? 0;
    const ahead = forecastSteps ?? (block === 'hourly' ? FORECAST_DAYS_MAX * 24 : 3 * 24 * 4);
    return { startMs: current - past * stepMs, stepMs, count: past + ahead };
  }
  const days = forecastDays ?? (block === 'hourly' ? 7 : 3);
  const past = pastDays ?? 0;
  return { startMs: today - past * DAY_MS, stepMs, count: ((past + days) * DAY_MS) / stepMs };
}

function count(q: URLSearchParams, name: string, max: number, label: string): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max)
    throw new OpenMeteoRequestError(400, `${label} is invalid. Allowed range 0 to ${max}. Given ${text}.`);
  return n;
}

/** Both ends of a `start_*`/`end_*` pair as epoch ms, or undefined when neither is given. */
function pair(
  q: URLSearchParams,
  startName: string,
  endName: string,
  kind: 'date' | 'time',
  off: number,
): { from: number; to: number } | undefined {
  const start = q.get(startName);
  const end = q.get(endName);
  if (start === null && end === null) return undefined;
  if (start === null || end === null)
    throw new OpenMeteoRequestError(400, `Both '${startName}' and '${endName}' must be set in the url`);
  const from = parseLocal(start, startName, kind) - off;
  const to = parseLocal(end, endName, kind) - off;
  if (to < from) throw new OpenMeteoRequestError(400, 'End-date must be larger or equals than start-date');
  return { from, to };
}

function parseLocal(text: string, name: string, kind: 'date' | 'time'): number {
  const ok = kind === 'date' ? /^\d{4}-\d{2}-\d{2}$/.test(text) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text);
  const ms = Date.parse(kind === 'date' ? `${text}T00:00Z` : `${text}Z`);
  if (!ok || Number.isNaN(ms)) {
    throw new OpenMeteoRequestError(
      400,
      `Invalid date format for '${name}': "${text}". Expected ${kind === 'date' ? 'yyyy-mm-dd' : 'yyyy-mm-ddThh:mm'}`,
    );
  }
  return ms;
}

function outOfRange(parameter: string, allowed: { from: number; to: number }, off: number): OpenMeteoRequestError {
  const day = (ms: number): string => new Date(ms + off).toISOString().slice(0, 10);
  return new OpenMeteoRequestError(
    400,
    `Parameter '${parameter}' is out of allowed range from ${day(allowed.from)} to ${day(allowed.to - DAY_MS)}`,
  );
}
