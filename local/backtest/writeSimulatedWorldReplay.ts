import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseRunValueKey } from '../../shared/sources/forecastRun';
import { NWP_FIELDS } from '../world/nwpErrors';
import { OBSERVATION_INTERVAL_MS } from '../world/observationInterval';
import { World } from '../world/World';

/** What to write. */
export interface SimulatedWorldReplayOptions {
  /** The folder written (created when missing). */
  dir: string;
  /** Seed of the world. */
  seed: number;
  site: { id: string; latitude: number; longitude: number };
  /** Observations from `from` to `to` (inclusive) on the world's ten-minute grid. */
  from: Date;
  to: Date;
  /** Called now and then: observation times written, in all. */
  onProgress?: (done: number, total: number) => void;
}

/** Written last, so a run cut short is redone; the options it was written with. */
const STAMP = '.generated.json';
const VERSION = 2;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Whether `dir` holds the files these options write (a finished run with the same options). */
export function simulatedWorldReplayIsCurrent(o: Omit<SimulatedWorldReplayOptions, 'onProgress'>): boolean {
  const file = join(o.dir, STAMP);
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8') === stampOf(o);
}

/**
 * The simulated world's history of one site written the way real providers' exports look, each differently, so the
 * shipped backtest exercises the replay readers: site-meter.csv (wall-clock Europe/Copenhagen times, power in W),
 * neighbors.csv (ISO UTC times), weather.csv (epoch seconds, `;`-separated), and skycam/<day>/ pictures named by
 * their UTC time, and nwp.csv, the weather model's hourly runs the way forecast archives are exported (one row per run
 * and valid time: `run_time,valid_time,<fields>`, every run from `from` to `to`). Like real exports it has holes: a few hours missing from neighbors, weather and skycam (outages
 * that happened), and one truncated picture.
 */
export function writeSimulatedWorldReplay(o: SimulatedWorldReplayOptions): void {
  const world = new World({ seed: o.seed, sites: [o.site] });
  mkdirSync(join(o.dir, 'skycam'), { recursive: true });
  const times: number[] = [];
  for (
    let t = Math.ceil(o.from.getTime() / OBSERVATION_INTERVAL_MS) * OBSERVATION_INTERVAL_MS;
    t <= o.to.getTime();
    t += OBSERVATION_INTERVAL_MS
  )
    times.push(t);
  const firstDay = Math.ceil(o.from.getTime() / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(o.to.getTime() / DAY_MS) * DAY_MS;
  // Holes placed relative to the period, in daylight, so they matter.
  const gap = (dayFromEnd: number, fromHour: number, hours: number): [number, number] => [
    lastDay - dayFromEnd * DAY_MS + fromHour * HOUR_MS,
    lastDay - dayFromEnd * DAY_MS + (fromHour + hours) * HOUR_MS,
  ];
  const holes: Record<string, [number, number]> = {
    neighbors: gap(3, 9, 5),
    weather: [firstDay + 4 * DAY_MS + 6 * HOUR_MS, firstDay + 4 * DAY_MS + 9 * HOUR_MS],
    skycam: gap(5, 11, 2),
  };
  const inHole = (source: string, t: number): boolean => {
    const h = holes[source];
    return h !== undefined && t >= h[0] && t < h[1];
  };
  const truncated = times[Math.floor(times.length / 2)];

  const meter = ['time_local,power_w,ghi_wm2'];
  const neighbors = ['time_utc,ghi_w25,ghi_w45,ghi_nw35,ghi_sw35'];
  const weather = ['epoch_s;temp_c;wind_speed_ms;wind_dir_deg;humidity_pct;pressure_hpa'];
  times.forEach((t, i) => {
    const at = new Date(t);
    const m = world.sensorValues('site-meter', o.site.id, at);
    meter.push(
      `${DateTime.fromMillis(t, { zone: 'Europe/Copenhagen' }).toFormat('yyyy-MM-dd HH:mm')},${Math.round((m['power_kw'] ?? 0) * 1000)},${m['ghi_wm2']}`,
    );
    if (!inHole('neighbors', t)) {
      const n = world.sensorValues('neighbors', o.site.id, at);
      neighbors.push(
        [at.toISOString().replace('.000Z', 'Z'), n['ghi_w25'], n['ghi_w45'], n['ghi_nw35'], n['ghi_sw35']].join(','),
      );
    }
    if (!inHole('weather', t)) {
      const w = world.sensorValues('weather', o.site.id, at);
      weather.push(
        [t / 1000, w['temp_c'], w['wind_speed_ms'], w['wind_dir_deg'], w['humidity_pct'], w['pressure_hpa']].join(';'),
      );
    }
    if (!inHole('skycam', t)) {
      const day = join(o.dir, 'skycam', at.toISOString().slice(0, 10));
      mkdirSync(day, { recursive: true });
      const png = world.skycamPng(o.site.id, at);
      writeFileSync(
        join(day, `skycam_${DateTime.fromMillis(t, { zone: 'UTC' }).toFormat('yyyyMMdd_HHmm')}.png`),
        t === truncated ? png.subarray(0, png.length >> 1) : png,
      );
    }
    if (i % 500 === 0 || i === times.length - 1) o.onProgress?.(i + 1, times.length);
  });
  // The weather model's runs, on the hour, each to +12 h.
  const nwp = [['run_time', 'valid_time', ...NWP_FIELDS].join(',')];
  for (let r = Math.ceil(o.from.getTime() / HOUR_MS) * HOUR_MS; r <= o.to.getTime(); r += HOUR_MS) {
    const byLead = new Map<number, Record<string, number>>();
    for (const [key, value] of Object.entries(world.nwpRun(o.site.id, new Date(r)))) {
      const k = parseRunValueKey(key);
      if (!k) continue;
      byLead.set(k.offsetMinutes, { ...byLead.get(k.offsetMinutes), [k.field]: value });
    }
    const runTime = new Date(r).toISOString().replace('.000Z', 'Z');
    for (const [minutes, values] of [...byLead].sort((a, b) => a[0] - b[0]))
      nwp.push(
        [
          runTime,
          new Date(r + minutes * 60_000).toISOString().replace('.000Z', 'Z'),
          ...NWP_FIELDS.map((f) => values[f]),
        ].join(','),
      );
  }
  writeFileSync(join(o.dir, 'nwp.csv'), `${nwp.join('\n')}\n`);
  writeFileSync(join(o.dir, 'site-meter.csv'), `${meter.join('\n')}\n`);
  writeFileSync(join(o.dir, 'neighbors.csv'), `${neighbors.join('\n')}\n`);
  writeFileSync(join(o.dir, 'weather.csv'), `${weather.join('\n')}\n`);
  writeFileSync(join(o.dir, STAMP), stampOf(o));
}

function stampOf(o: Omit<SimulatedWorldReplayOptions, 'onProgress'>): string {
  return `${JSON.stringify({ generator: 'simulated-world', version: VERSION, seed: o.seed, site: o.site, from: o.from.toISOString(), to: o.to.toISOString() })}\n`;
}
