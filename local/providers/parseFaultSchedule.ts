import { WORLD_SOURCE_IDS } from '../world/WorldSource';
import { FaultScheduleError } from './FaultScheduleError';
import type { OutageWindow } from './outageBehaviour';

/** Outage windows per source id, each list sorted by `from` and free of overlaps; absent sources stay reliable. */
export type FaultSchedule = Record<string, OutageWindow[]>;

/** The environment variable serve.ts reads the schedule from. */
export const FAULT_SCHEDULE_SETTING = 'PROVIDER_FAULTS';

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads a fault schedule, `{ "<source id>": [{ "from": "<ISO>", "to": "<ISO>" }, ...] }`, and validates it: known
 * source ids, ISO 8601 times with a time zone, `to` after `from`, no overlapping windows per source. Every problem
 * is reported at once, each named by its key, e.g. `PROVIDER_FAULTS["weather"][1].to`.
 */
export function parseFaultSchedule(
  text: string,
  sources: readonly string[] = WORLD_SOURCE_IDS,
  origin = FAULT_SCHEDULE_SETTING,
): FaultSchedule {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = `${origin} is not valid JSON: ${(err as Error).message}`;
    throw new FaultScheduleError(message, [message]);
  }
  const problems: string[] = [];
  const schedule: FaultSchedule = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${origin}: expected an object of source id -> list of {"from", "to"} windows, got ${shown(raw)}`);
  } else {
    for (const [source, list] of Object.entries(raw as Record<string, unknown>)) {
      const at = `${origin}[${JSON.stringify(source)}]`;
      if (!sources.includes(source)) {
        problems.push(
          `${at}: unknown source id ${JSON.stringify(source)}; expected one of ${sources.map((s) => JSON.stringify(s)).join(', ')}`,
        );
        continue;
      }
      if (!Array.isArray(list)) {
        problems.push(`${at}: expected a list of {"from", "to"} windows, got ${shown(list)}`);
        continue;
      }
      const windows = list.map((w, i) => parseWindow(w, `${at}[${i}]`, problems));
      const valid = windows
        .flatMap((w, i) => (w ? [{ ...w, i }] : []))
        .sort((a, b) => a.from.getTime() - b.from.getTime());
      for (let k = 1; k < valid.length; k++) {
        const prev = valid[k - 1] as (typeof valid)[number];
        const cur = valid[k] as (typeof valid)[number];
        if (cur.from.getTime() < prev.to.getTime()) {
          const [first, second] = prev.i < cur.i ? [prev, cur] : [cur, prev];
          problems.push(
            `${at}[${second.i}]: overlaps ${at}[${first.i}] (${span(second)} and ${span(first)}); windows of one source must not overlap`,
          );
        }
      }
      schedule[source] = valid.map(({ from, to }) => ({ from, to }));
    }
  }
  if (problems.length > 0) throw new FaultScheduleError(`Invalid ${origin}:\n  ${problems.join('\n  ')}`, problems);
  return schedule;
}

function parseWindow(value: unknown, at: string, problems: string[]): OutageWindow | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${at}: expected {"from": "<ISO time>", "to": "<ISO time>"}, got ${shown(value)}`);
    return undefined;
  }
  const o = value as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(o)) {
    if (key !== 'from' && key !== 'to') {
      problems.push(`${at}.${key}: unknown key; a window has only "from" and "to"`);
      ok = false;
    }
  }
  const from = parseTime(o['from'], `${at}.from`, problems);
  const to = parseTime(o['to'], `${at}.to`, problems);
  if (!ok || !from || !to) return undefined;
  if (to.getTime() <= from.getTime()) {
    problems.push(`${at}.to: ${JSON.stringify(o['to'])} is not after from ${JSON.stringify(o['from'])}`);
    return undefined;
  }
  return { from, to };
}

function parseTime(value: unknown, at: string, problems: string[]): Date | undefined {
  const m = typeof value === 'string' ? ISO_WITH_ZONE.exec(value) : null;
  const t = typeof value === 'string' ? new Date(value) : undefined;
  // Date() quietly rolls 2026-02-30 over into March: a time that is not the one written is an error.
  const calendarOk =
    m !== null &&
    (() => {
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return (
        d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
      );
    })();
  if (!t || Number.isNaN(t.getTime()) || !calendarOk) {
    problems.push(
      `${at}: expected an ISO 8601 time with a time zone such as 2026-06-22T08:00:00Z, got ${shown(value)}`,
    );
    return undefined;
  }
  return t;
}

function span(w: OutageWindow): string {
  return `${w.from.toISOString()}..${w.to.toISOString()}`;
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value)).slice(0, 80);
}
