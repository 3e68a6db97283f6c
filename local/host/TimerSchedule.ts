import { CronExpressionParser } from 'cron-parser';
import { HostError } from './HostError';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * A timer trigger's NCRONTAB schedule: six fields `{second} {minute} {hour} {day} {month} {day-of-week}`.
 * Syntax that cron-parser accepts but NCRONTAB does not (`L`, `W`, `#`, `?`, `H`, `@daily`) is rejected, so an
 * expression that runs here also runs in Azure.
 */
export class TimerSchedule {
  private constructor(
    /** The expression after `%SETTING%` resolution. */
    readonly expression: string,
    /** IANA time zone the fields are read in (Azure: UTC unless WEBSITE_TIME_ZONE says otherwise). */
    readonly timeZone: string,
  ) {}

  /** Parses and validates `expression`; `what` names the function for the error message. */
  static parse(expression: string, what: string, timeZone = 'UTC'): TimerSchedule {
    const bad = (why: string): HostError =>
      new HostError('BAD_SCHEDULE', `${what}: schedule "${expression}" is not a valid NCRONTAB expression: ${why}`);
    const trimmed = expression.trim();
    if (/^\d+(\.\d+)?:\d\d(:\d\d)?$/.test(trimmed)) {
      throw bad('TimeSpan schedules run only on App Service plans; use six cron fields');
    }
    const fields = trimmed.split(/\s+/);
    if (fields.length !== 6) throw bad(`expected 6 fields (with seconds), got ${fields.length}`);
    fields.forEach((field, index) => {
      if (!/^[0-9A-Za-z*,/-]+$/.test(field)) throw bad(`field ${index + 1} "${field}" has unsupported characters`);
      const names = index === 4 ? MONTHS : index === 5 ? DAYS : [];
      for (const word of field.match(/[A-Za-z]+/g) ?? []) {
        if (!names.includes(word.toUpperCase())) throw bad(`field ${index + 1} "${field}" has unknown name "${word}"`);
      }
    });
    const schedule = new TimerSchedule(fields.join(' '), timeZone);
    try {
      schedule.nextAfter(new Date(0));
    } catch (err) {
      throw bad(err instanceof Error ? err.message : String(err));
    }
    return schedule;
  }

  /** The first occurrence strictly after `t`. */
  nextAfter(t: Date): Date {
    return CronExpressionParser.parse(this.expression, { currentDate: t, tz: this.timeZone }).next().toDate();
  }

  /** The next `count` occurrences after `t` (for the start-up log, as the Azure host prints them). */
  nextOccurrences(t: Date, count: number): Date[] {
    const result: Date[] = [];
    let cursor = t;
    for (let i = 0; i < count; i += 1) {
      cursor = this.nextAfter(cursor);
      result.push(cursor);
    }
    return result;
  }
}
