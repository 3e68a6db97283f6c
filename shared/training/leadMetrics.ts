import { mae } from '../models/metrics/mae';
import { rmse } from '../models/metrics/rmse';
import type { LeadMetrics } from '../registry/ModelCard';
import { roundSignificant } from '../util/significant';
import { column, type Rows } from './rowsWhere';

/**
 * Per-lead RMSE, MAE and skill against persistence (on the rows where persistence had a value); when the rows carry
 * smart persistence (a solar target), also its RMSE and the skill against it (on the rows where it had a value).
 */
export function leadMetrics(predictions: Float32Array, rows: Rows, leadsMinutes: readonly number[]): LeadMetrics[] {
  const hasPersistence = [...rows.persistence].map((p) => Number.isFinite(p));
  return leadsMinutes.map((leadMinutes, l) => {
    const pred = column(predictions, rows.leads, l);
    const obs = column(rows.Y, rows.leads, l);
    const both = (a: Float32Array): Float32Array => a.map((v, i) => (hasPersistence[i] ? v : Number.NaN));
    const r = rmse(pred, obs);
    const modelOnPersistenceRows = rmse(both(pred), both(obs)).value;
    const reference = rmse(rows.persistence, obs).value;
    const metrics: LeadMetrics = {
      leadMinutes,
      rmse: round(r.value),
      mae: round(mae(pred, obs).value),
      skill: reference > 0 ? round(1 - modelOnPersistenceRows / reference) : 0,
      n: r.count,
    };
    if (!rows.smartPersistence) return metrics;
    const smart = column(rows.smartPersistence, rows.leads, l);
    const onSmartRows = (a: Float32Array): Float32Array =>
      a.map((v, i) => (Number.isFinite(smart[i]) ? v : Number.NaN));
    const smartRmse = rmse(smart, obs).value;
    const modelOnSmartRows = rmse(onSmartRows(pred), onSmartRows(obs)).value;
    return {
      ...metrics,
      smartPersistenceRmse: round(smartRmse),
      smartSkill: smartRmse > 0 ? round(1 - modelOnSmartRows / smartRmse) : 0,
    };
  });
}

export function meanRmse(metrics: readonly LeadMetrics[]): number {
  return round(metrics.reduce((s, m) => s + m.rmse, 0) / Math.max(1, metrics.length));
}

/** Stored with six significant digits: a target of 0.00123 units keeps its digits as well as one of 522 kW. */
function round(v: number): number {
  return roundSignificant(v, 6);
}
