import { DateTime, type Zone } from 'luxon';
import { timeZoneOf } from './timeZoneOf';

/** How a time is written: ISO 8601, seconds or milliseconds since the epoch, or a luxon format (`dd.MM.yyyy HH:mm`). */
export type TimeFormat = 'iso' | 'epoch-seconds' | 'epoch-millis' | string;

/** A parsed time (epoch ms), or why the text is not one. */
export type ParsedTime = { ok: true; ms: number } | { ok: false; reason: string };

const HOUR_MS = 3_600_000;

/**
 * Parses the times of one file, in order. A time without an offset is wall-clock time in the file's zone: a
 * wall-clock time that does not exist (the hour skipped when daylight saving time starts) is an error, and one that
 * exists twice (the hour repeated when it ends) is the first occurrence unless the previous row is already at or
 * after it, so a logger's repeated hour keeps its order. A time with its own offset (`...+02:00`, `...Z`) is taken as
 * written.
 */
export class TimestampParser {
  private readonly zone: Zone;
  private previous = Number.NEGATIVE_INFINITY;

  constructor(
    zoneSpec: string,
    private readonly format: TimeFormat = 'iso',
  ) {
    const zone = timeZoneOf(zoneSpec);
    if (!zone)
      throw new RangeError(
        `time zone ${JSON.stringify(zoneSpec)} is neither an IANA name such as "Europe/Copenhagen" nor an offset such as "+01:00"`,
      );
    this.zone = zone;
  }

  parse(text: string): ParsedTime {
    const t = text.trim();
    if (t === '') return { ok: false, reason: 'the time is empty' };
    if (this.format === 'epoch-seconds' || this.format === 'epoch-millis') {
      const n = Number(t);
      if (!/^-?\d+(\.\d+)?$/.test(t) || !Number.isFinite(n))
        return {
          ok: false,
          reason: `${JSON.stringify(t)} is not a number of ${this.format === 'epoch-seconds' ? 'seconds' : 'milliseconds'} since 1970-01-01T00:00:00Z`,
        };
      return this.accept(Math.round(this.format === 'epoch-seconds' ? n * 1000 : n));
    }
    const asWritten = this.read(t, { setZone: true, zone: this.zone });
    if (!asWritten.isValid) {
      const expected =
        this.format === 'iso'
          ? 'an ISO 8601 time such as 2026-06-01T10:20:00'
          : `a time in the format ${JSON.stringify(this.format)}`;
      return {
        ok: false,
        reason: `${JSON.stringify(t)} is not ${expected}${asWritten.invalidExplanation ? ` (${asWritten.invalidExplanation})` : ''}`,
      };
    }
    // Its own offset wins; the zone is only for wall-clock times.
    if (!asWritten.zone.equals(this.zone)) return this.accept(asWritten.toMillis());
    const wall = this.read(t, { zone: 'UTC' });
    const fields = {
      year: wall.year,
      month: wall.month,
      day: wall.day,
      hour: wall.hour,
      minute: wall.minute,
      second: wall.second,
      millisecond: wall.millisecond,
    };
    const guess = DateTime.fromObject(fields, { zone: this.zone });
    const same = (d: DateTime): boolean =>
      d.year === fields.year &&
      d.month === fields.month &&
      d.day === fields.day &&
      d.hour === fields.hour &&
      d.minute === fields.minute &&
      d.second === fields.second;
    const candidates = [guess.minus(HOUR_MS), guess, guess.plus(HOUR_MS)].filter(same).map((d) => d.toMillis());
    if (candidates.length === 0) {
      return {
        ok: false,
        reason: `${JSON.stringify(t)} does not exist in ${this.zone.name} (the clocks skip it when daylight saving time starts)`,
      };
    }
    const unique = [...new Set(candidates)].sort((a, b) => a - b);
    const ms = unique.find((c) => c > this.previous) ?? (unique[0] as number);
    return this.accept(ms);
  }

  private read(t: string, opts: { setZone?: boolean; zone: Zone | string }): DateTime {
    return this.format === 'iso' ? DateTime.fromISO(t, opts) : DateTime.fromFormat(t, this.format, opts);
  }

  private accept(ms: number): ParsedTime {
    this.previous = ms;
    return { ok: true, ms };
  }
}
