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
