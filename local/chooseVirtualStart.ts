import { solarPosition } from '../shared/solar/solarPosition';

/** Where the local stack's virtual clock starts, and what to tell the user about it. */
export interface VirtualStart {
  start: Date;
  /** Why it is not simply the wall clock (printed at start). */
  note?: string;
}

/** Options of chooseVirtualStart. */
export interface VirtualStartOptions {
  /** Below this sun elevation (degrees) at the first site it is night for the demo: every solar number is zero. */
  nightBelowDeg: number;
  /** How long before the day's highest sun a daylight start lies, hours. */
  hoursBeforeNoon: number;
}

export const DEFAULT_VIRTUAL_START_OPTIONS: VirtualStartOptions = { nightBelowDeg: 5, hoursBeforeNoon: 3 };

const STEP_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/**
 * The virtual clock's start for `npm start -- --start <ISO | daylight | now>`. A stack with stored data continues
 * from where its clock stopped (its data and watermarks must never lie in the future), so a start before that is an
 * error. A fresh stack starts at the wall clock, unless it is night at the first site: then (and for `daylight`) at the
 * most recent daylight, a few hours before that day's highest sun, so a newcomer sees the sun work at once.
 */
export function chooseVirtualStart(
  option: string | undefined,
  wallNow: Date,
  previous: Date | undefined,
  site: { id: string; latitude: number; longitude: number },
  o: VirtualStartOptions = DEFAULT_VIRTUAL_START_OPTIONS,
): VirtualStart {
  const resumeAt = previous && previous > wallNow ? previous : wallNow;
  if (option !== undefined && option !== 'daylight' && option !== 'now') {
    const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(option)
      ? new Date(option)
      : new Date(Number.NaN);
    if (Number.isNaN(t.getTime()))
      throw new RangeError(
        `--start must be an ISO 8601 time with a zone (e.g. 2026-06-21T08:00:00Z), "daylight" or "now", got ${JSON.stringify(option)}`,
      );
    if (previous && t < previous)
      throw new RangeError(
        `--start ${t.toISOString()} is before the stored data's clock (${previous.toISOString()}); add --fresh to start over with no data`,
      );
    return { start: t };
  }
  if (option === 'now') return { start: resumeAt };
  if (previous) {
    return option === 'daylight'
      ? {
          start: resumeAt,
          note: `continuing from the stored clock ${resumeAt.toISOString()} (--fresh starts over, in daylight)`,
        }
      : { start: resumeAt };
  }
  const elevation = (t: number): number => solarPosition(site.latitude, site.longitude, new Date(t)).elevationDeg;
  const nowElevation = elevation(wallNow.getTime());
  if (option === undefined && nowElevation >= o.nightBelowDeg) return { start: wallNow };
  // The highest sun of the last day, and a start a few hours before it that is still daylight.
  let noon = wallNow.getTime();
  for (let t = wallNow.getTime(); t > wallNow.getTime() - DAY_MS; t -= STEP_MS)
    if (elevation(t) > elevation(noon)) noon = t;
  if (elevation(noon) < o.nightBelowDeg) {
    return {
      start: wallNow,
      note: `the sun stays below ${o.nightBelowDeg}° at ${site.id} all day (polar night): starting at the wall clock`,
    };
  }
  let start = noon - o.hoursBeforeNoon * 3_600_000;
  while (elevation(start) < o.nightBelowDeg && start < noon) start += STEP_MS;
  const sun =
    nowElevation < 0
      ? `${(-nowElevation).toFixed(0)}° below the horizon`
      : `only ${nowElevation.toFixed(0)}° above the horizon`;
  const why = option === 'daylight' ? '--start daylight' : `it is night at ${site.id} (the sun is ${sun})`;
  return {
    start: new Date(start),
    note: `${why}: the virtual clock starts at ${new Date(start).toISOString()}, the most recent daylight (--start now uses the wall clock)`,
  };
}
