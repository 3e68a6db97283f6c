import { type FaultSchedule, parseFaultSchedule } from '../providers/parseFaultSchedule';

/** Some providers down together for a while. */
export interface FaultEpisode {
  /** e.g. `site-meter down`, `all five down`. */
  label: string;
  sources: string[];
  from: Date;
  to: Date;
}

/** Where the default episodes fall. */
export interface FaultEpisodeOptions {
  /** With a held-out window of at least one day per episode: each episode on its own UTC day, from this hour... */
  fromHourUtc: number;
  /** ...to this hour (the middle of the day at the default site, when a forecast matters most). */
  toHourUtc: number;
}

export const DEFAULT_FAULT_EPISODE_OPTIONS: FaultEpisodeOptions = {
  fromHourUtc: 8,
  toHourUtc: 14,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The bench's fault schedule over a held-out window: each provider down in turn, then the first and the last
 * together, then all of them. One episode per UTC day (from `fromHourUtc` to `toHourUtc`) when the window has a day
 * per episode; otherwise the window is cut into equal parts, each down for the middle half of its part.
 */
export function defaultFaultEpisodes(
  sources: readonly string[],
  heldOut: { from: Date; to: Date },
  options: Partial<FaultEpisodeOptions> = {},
): FaultEpisode[] {
  const o = { ...DEFAULT_FAULT_EPISODE_OPTIONS, ...options };
  if (!(o.fromHourUtc >= 0 && o.toHourUtc <= 24 && o.fromHourUtc < o.toHourUtc))
    throw new RangeError(`bad outage hours ${o.fromHourUtc}..${o.toHourUtc} UTC`);
  const first = sources[0];
  const last = sources[sources.length - 1];
  if (first === undefined || last === undefined) throw new RangeError('no sources to take down');
  const groups: { label: string; sources: string[] }[] = sources.map((s) => ({ label: `${s} down`, sources: [s] }));
  if (sources.length > 2) groups.push({ label: `${first} + ${last} down`, sources: [first, last] });
  if (sources.length > 1) groups.push({ label: `all ${sources.length} down`, sources: [...sources] });
  const start = heldOut.from.getTime();
  const span = heldOut.to.getTime() - start;
  const firstDay = Math.ceil(start / DAY_MS) * DAY_MS;
  if (firstDay + groups.length * DAY_MS <= heldOut.to.getTime()) {
    return groups.map((g, i) => ({
      ...g,
      from: new Date(firstDay + i * DAY_MS + o.fromHourUtc * HOUR_MS),
      to: new Date(firstDay + i * DAY_MS + o.toHourUtc * HOUR_MS),
    }));
  }
  const part = span / groups.length;
  const minute = (ms: number): Date => new Date(Math.round(ms / 60_000) * 60_000);
  return groups.map((g, i) => ({
    ...g,
    from: minute(start + i * part + part / 4),
    to: minute(start + i * part + (3 * part) / 4),
  }));
}

/**
 * The episodes as the providers' PROVIDER_FAULTS setting (the same schedule can be run against the live stack),
 * and parsed back through parseFaultSchedule, so the bench only runs schedules the providers accept.
 */
export function faultScheduleOf(
  episodes: readonly FaultEpisode[],
  sources: readonly string[],
): { json: Record<string, { from: string; to: string }[]>; schedule: FaultSchedule } {
  const json: Record<string, { from: string; to: string }[]> = {};
  for (const e of episodes) {
    for (const s of e.sources) (json[s] ??= []).push({ from: e.from.toISOString(), to: e.to.toISOString() });
  }
  return { json, schedule: parseFaultSchedule(JSON.stringify(json), sources, 'fault schedule') };
}
