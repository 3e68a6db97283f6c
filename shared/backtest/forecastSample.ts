import type { ForecastSample } from './BacktestReport';
import type { ReferenceForecasts } from './referenceForecasts';
import type { ServedSlot } from './serveSlots';

const MINUTE_MS = 60_000;

/**
 * The forecast-vs-actual series of [from, to): on the cadence grid, the observed target, each lead's forecast valid
 * then (made lead minutes before), and persistence (and smart persistence, for a solar target) for the first lead.
 * Missing values are null, never invented.
 */
export function forecastSample(
  slots: readonly ServedSlot[],
  leadsMinutes: readonly number[],
  truth: ReadonlyMap<number, number>,
  references: ReferenceForecasts,
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
  const smart = references.smartPersistence;
  return {
    times,
    actual: times.map((t) => finite(truth.get(t))),
    forecasts: leadsMinutes.map((lead, l) => ({
      leadMinutes: lead,
      values: times.map((t) => finite(byIssue.get(t - lead * MINUTE_MS)?.values[l])),
    })),
    persistence: times.map((t) =>
      byIssue.has(t - first * MINUTE_MS) ? finite(references.persistence.get(t - first * MINUTE_MS)) : null,
    ),
    ...(smart
      ? {
          smartPersistence: times.map((t) =>
            byIssue.has(t - first * MINUTE_MS) ? finite(smart.get(t - first * MINUTE_MS)?.[0]) : null,
          ),
        }
      : {}),
  };
}
