import type { ForecastSample } from './BacktestReport';
import type { ServedSlot } from './serveSlots';

const MINUTE_MS = 60_000;

/**
 * The forecast-vs-actual series of [from, to): on the cadence grid, the observed target, each lead's forecast valid
 * then (made lead minutes before), and persistence for the first lead. Missing values are null, never invented.
 */
export function forecastSample(
  slots: readonly ServedSlot[],
  leadsMinutes: readonly number[],
  truth: ReadonlyMap<number, number>,
  reference: ReadonlyMap<number, number>,
  from: number,
  to: number,
  cadenceMinutes: number,
): ForecastSample {
  const step = cadenceMinutes * MINUTE_MS;
  const byIssue = new Map(slots.filter((s) => s.model !== null).map((s) => [s.issueTime, s]));
  const times: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) times.push(t);
  const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);
  const first = leadsMinutes[0] ?? 0;
  return {
    times,
    actual: times.map((t) => finite(truth.get(t))),
    forecasts: leadsMinutes.map((lead, l) => ({
      leadMinutes: lead,
      values: times.map((t) => finite(byIssue.get(t - lead * MINUTE_MS)?.values[l])),
    })),
    persistence: times.map((t) =>
      byIssue.has(t - first * MINUTE_MS) ? finite(reference.get(t - first * MINUTE_MS)) : null,
    ),
  };
}
