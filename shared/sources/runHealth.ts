import type { Observation } from './Observation';
import { runValueOffset } from './forecastRun';
import { minutesBetween } from '../time/slots';

/** A forecast source's newest available run, as health and the dashboard show it. */
export interface RunHealth {
  /** When the weather model started (the record's observedAt). */
  runAt: string;
  /** When ingestion stored it. */
  availableAt: string;
  /** The run's age at the issue slot, minutes (what the staleness limit is held against). */
  ageMinutes: number;
  /** The last validTime the run has a value for (its horizon), or null when it has no step. */
  lastValidTime: string | null;
  /** One line: `newest run 09:00 UTC, age 95 min, limit 240 min` (the date too when it is not the slot's day). */
  summary: string;
}

/** The newest run of a forecast source at `issueTime`: runAt, age, horizon and the one-line summary. */
export function runHealth(run: Observation, issueTime: Date, limitMinutes: number | undefined): RunHealth {
  const ageMinutes = Math.round(minutesBetween(new Date(run.observedAt), issueTime));
  let last: number | undefined;
  for (const key of Object.keys(run.values)) {
    const offset = runValueOffset(key);
    if (offset !== undefined && (last === undefined || offset > last)) last = offset;
  }
  const sameDay = run.observedAt.slice(0, 10) === issueTime.toISOString().slice(0, 10);
  const at = sameDay ? run.observedAt.slice(11, 16) : `${run.observedAt.slice(0, 10)} ${run.observedAt.slice(11, 16)}`;
  const limit =
    limitMinutes !== undefined && Number.isFinite(limitMinutes) ? `${Math.round(limitMinutes)} min` : 'none';
  return {
    runAt: run.observedAt,
    availableAt: run.availableAt,
    ageMinutes,
    lastValidTime: last === undefined ? null : new Date(Date.parse(run.observedAt) + last * 60_000).toISOString(),
    summary: `newest run ${at} UTC, age ${ageMinutes} min, limit ${limit}`,
  };
}
