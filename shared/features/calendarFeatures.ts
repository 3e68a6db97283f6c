import { DateTime } from 'luxon';
import { timeZoneOf } from '../time/timeZoneOf';
import type { CalendarInput } from './FeatureSpec';
import { FeatureSpecError } from './FeatureSpecError';

const TWO_PI = 2 * Math.PI;

/** The calendar columns in the site's local time (a holiday column only when the spec lists holidays). */
export function calendarNames(calendar: CalendarInput): string[] {
  return [
    'time.local_hour_sin',
    'time.local_hour_cos',
    ...(calendar.weekday === true ? ['time.dow_sin', 'time.dow_cos'] : []),
    'time.doy_sin',
    'time.doy_cos',
    ...((calendar.holidays?.length ?? 0) > 0 ? ['time.holiday'] : []),
  ];
}

/**
 * The calendar at issueTime in the site's local time: time of day and (when asked) weekday (Monday 0) on circles, the day of the
 * local year on a circle, and 1 on a listed holiday (a local date), else 0.
 */
export function calendarValues(calendar: CalendarInput, issueTime: number): number[] {
  const zone = timeZoneOf(calendar.timeZone);
  if (!zone) throw new FeatureSpecError('INVALID_FEATURE_SPEC', `unknown time zone "${calendar.timeZone}"`);
  const local = DateTime.fromMillis(issueTime, { zone });
  const hour = local.hour + local.minute / 60 + local.second / 3600 + local.millisecond / 3_600_000;
  const dow = local.weekday - 1;
  const yearFraction = (local.ordinal - 1 + hour / 24) / local.daysInYear;
  const out = [
    Math.sin((TWO_PI * hour) / 24),
    Math.cos((TWO_PI * hour) / 24),
    ...(calendar.weekday === true ? [Math.sin((TWO_PI * dow) / 7), Math.cos((TWO_PI * dow) / 7)] : []),
    Math.sin(TWO_PI * yearFraction),
    Math.cos(TWO_PI * yearFraction),
  ];
  if ((calendar.holidays?.length ?? 0) > 0) out.push(calendar.holidays?.includes(local.toISODate() ?? '') ? 1 : 0);
  return out;
}
