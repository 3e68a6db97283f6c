import { rmse } from '../models/metrics/rmse';
import { roundSignificant } from '../util/significant';
import type { ReferenceForecasts } from './referenceForecasts';
import type { ServedSlot } from './serveSlots';

const MINUTE_MS = 60_000;

/**
 * A scenario served by the expected-error chooser beside the same slots served by the previous rule (freshness
 * first, best-ranked) and beside persistence of the newest target value available in the scenario's own history
 * (under outages: however stale it is), per lead over the slots both rules served.
 */
export interface PreviousRuleComparison {
  /** Slots both rules served (the rows of every figure below). */
  slots: number;
  /** Slots where the two rules chose different models. */
  differentModel: number;
  /** Per lead: RMSE of the chooser, of the previous rule, of persistence as available, and 1 - chooser / previous. */
  perLead: {
    leadMinutes: number;
    rmse: number;
    previousRmse: number;
    stalePersistenceRmse: number;
    skillVsPrevious: number;
    skillVsStalePersistence: number;
  }[];
  /** Slots served by each model under the previous rule. */
  previousByModel: Record<string, number>;
}

export function compareWithPrevious(
  current: readonly ServedSlot[],
  previous: readonly ServedSlot[],
  leadsMinutes: readonly number[],
  truth: ReadonlyMap<number, number>,
  asAvailable: ReferenceForecasts,
): PreviousRuleComparison {
  const prev = new Map(previous.map((s) => [s.issueTime, s]));
  const both = current.filter((s) => s.model !== null && prev.get(s.issueTime)?.model != null);
  const previousByModel: Record<string, number> = {};
  for (const s of previous) if (s.model) previousByModel[s.model] = (previousByModel[s.model] ?? 0) + 1;
  const perLead = leadsMinutes.map((leadMinutes, l) => {
    const actual = both.map((s) => truth.get(s.issueTime + leadMinutes * MINUTE_MS) ?? Number.NaN);
    const ours = rmse(
      both.map((s) => s.values[l] ?? Number.NaN),
      actual,
    ).value;
    const theirs = rmse(
      both.map((s) => prev.get(s.issueTime)?.values[l] ?? Number.NaN),
      actual,
    ).value;
    const stale = rmse(
      both.map((s) => asAvailable.persistence.get(s.issueTime) ?? Number.NaN),
      actual,
    ).value;
    return {
      leadMinutes,
      rmse: round(ours),
      previousRmse: round(theirs),
      stalePersistenceRmse: round(stale),
      skillVsPrevious: theirs > 0 ? round(1 - ours / theirs) : 0,
      skillVsStalePersistence: stale > 0 ? round(1 - ours / stale) : 0,
    };
  });
  return {
    slots: both.length,
    differentModel: both.filter((s) => prev.get(s.issueTime)?.model !== s.model).length,
    perLead,
    previousByModel: Object.fromEntries(Object.entries(previousByModel).sort((a, b) => b[1] - a[1])),
  };
}

function round(v: number): number {
  return roundSignificant(v, 6);
}
