import type { LeadMetrics } from '../registry/ModelCard';
import { leadMetrics } from '../training/leadMetrics';
import type { ReferenceForecasts } from './referenceForecasts';
import type { ServedSlot } from './serveSlots';

/** How one scenario went over its issue slots. */
export interface ScenarioResult {
  scenario: string;
  /** Issue slots considered. */
  slots: number;
  /** Slots that got a forecast. */
  served: number;
  /** served / slots, in percent. */
  servedPct: number;
  /**
   * Per lead over the served slots: RMSE, MAE and skill against persistence on the same slots (and, for a solar
   * target, the RMSE of smart persistence and the skill against it).
   */
  perLead: LeadMetrics[];
  /** Slots served by each model; NO_FORECAST counts the slots without one. */
  byModel: Record<string, number>;
}

/** The references themselves, scored as forecasts on the slots a scenario served. */
export interface ReferenceScores {
  /** Persistence (the newest target value available at issueTime); its skill is 0 by definition. */
  persistence: LeadMetrics[];
  /** Smart persistence (solar targets only): its skill against persistence, its smartSkill 0. */
  smartPersistence?: LeadMetrics[];
}

/** The byModel key of the slots that got no forecast. */
export const NO_FORECAST = '(no forecast)';
const MINUTE_MS = 60_000;

/**
 * Scores what was served: each forecast against the target observed at its validTime, and against the reference
 * forecasts of its slot (persistence of the newest target value available at issueTime in normal operation and,
 * for a solar target, smart persistence of it), with the same definitions the model card uses (leadMetrics).
 */
export function scoreServed(
  scenario: string,
  slots: readonly ServedSlot[],
  leadsMinutes: readonly number[],
  truth: ReadonlyMap<number, number>,
  references: ReferenceForecasts,
): ScenarioResult {
  const L = leadsMinutes.length;
  const served = slots.filter((s) => s.model !== null);
  const Y = new Float32Array(served.length * L);
  const predictions = new Float32Array(served.length * L);
  const persistence = new Float32Array(served.length);
  const smart = references.smartPersistence ? new Float32Array(served.length * L) : undefined;
  served.forEach((s, i) => {
    leadsMinutes.forEach((lead, l) => {
      Y[i * L + l] = truth.get(s.issueTime + lead * MINUTE_MS) ?? Number.NaN;
      predictions[i * L + l] = s.values[l] ?? Number.NaN;
      if (smart) smart[i * L + l] = references.smartPersistence?.get(s.issueTime)?.[l] ?? Number.NaN;
    });
    persistence[i] = references.persistence.get(s.issueTime) ?? Number.NaN;
  });
  const rows = {
    keys: served.map((s) => String(s.issueTime)),
    X: new Float32Array(0),
    Y,
    persistence,
    ...(smart ? { smartPersistence: smart } : {}),
    cols: 0,
    leads: L,
  };
  const byModel: Record<string, number> = {};
  for (const s of slots) byModel[s.model ?? NO_FORECAST] = (byModel[s.model ?? NO_FORECAST] ?? 0) + 1;
  return {
    scenario,
    slots: slots.length,
    served: served.length,
    servedPct: slots.length === 0 ? 0 : Math.round((1000 * served.length) / slots.length) / 10,
    perLead:
      served.length === 0
        ? leadsMinutes.map((leadMinutes) => ({
            leadMinutes,
            rmse: Number.NaN,
            mae: Number.NaN,
            skill: Number.NaN,
            n: 0,
            ...(smart ? { smartPersistenceRmse: Number.NaN, smartSkill: Number.NaN } : {}),
          }))
        : leadMetrics(predictions, rows, leadsMinutes),
    byModel: Object.fromEntries(Object.entries(byModel).sort((a, b) => b[1] - a[1])),
  };
}

/** Persistence and smart persistence scored on the slots of `slots` that were served, as if they had been served. */
export function scoreReferences(
  slots: readonly ServedSlot[],
  leadsMinutes: readonly number[],
  truth: ReadonlyMap<number, number>,
  references: ReferenceForecasts,
): ReferenceScores {
  const as = (values: (s: ServedSlot) => number[]): ServedSlot[] =>
    slots.map((s) => ({ ...s, values: s.model === null ? [] : values(s) }));
  const persistence = scoreServed(
    'persistence',
    as((s) => leadsMinutes.map(() => references.persistence.get(s.issueTime) ?? Number.NaN)),
    leadsMinutes,
    truth,
    references,
  ).perLead;
  const smart = references.smartPersistence;
  if (!smart) return { persistence };
  return {
    persistence,
    smartPersistence: scoreServed(
      'smart persistence',
      as((s) => smart.get(s.issueTime) ?? leadsMinutes.map(() => Number.NaN)),
      leadsMinutes,
      truth,
      references,
    ).perLead,
  };
}
