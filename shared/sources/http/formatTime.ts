import { DateTime } from 'luxon';
import type { TimeSpec } from '../../config/providerSchemas';
import { timeZoneOf } from '../../time/timeZoneOf';

/** An instant written as a provider wants it in a query: ISO, epoch seconds or millis, or a luxon format, in its zone. */
export function formatTime(ms: number, spec: TimeSpec): string {
  if (spec.format === 'epoch-seconds') return String(Math.floor(ms / 1000));
  if (spec.format === 'epoch-millis') return String(Math.floor(ms));
  const zone = timeZoneOf(spec.timeZone) ?? 'UTC';
  const t = DateTime.fromMillis(ms, { zone });
  if (spec.format === 'iso') return t.toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
  return t.toFormat(spec.format);
}

const HOUR_MS = 3_600_000;

/**
 * The start of a window as a provider that speaks wall-clock time can be asked for it: a start inside the hour that
 * repeats when daylight saving ends moves back to before that hour. Its text could mean either occurrence, and the
 * rows of the answer are read in order, so the answer must begin before the repeat for both to be told apart.
 */
export function unambiguousStart(ms: number, spec: TimeSpec): number {
  if (spec.format === 'epoch-seconds' || spec.format === 'epoch-millis' || spec.format === 'iso') return ms;
  const zone = timeZoneOf(spec.timeZone) ?? 'UTC';
  const wall = (t: number): string => DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
  const ambiguous = (t: number): boolean => wall(t - HOUR_MS) === wall(t) || wall(t + HOUR_MS) === wall(t);
  let start = ms;
  for (let i = 0; i < 3 && ambiguous(start); i++) start -= HOUR_MS;
  return start;
}
