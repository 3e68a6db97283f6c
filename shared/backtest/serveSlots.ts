import type { ForecastConfig } from '../config/ForecastConfig';
import { forecastQuantiles } from '../features/forecastQuantiles';
import type { LeadQuantiles } from '../forecast/Forecast';
import { type ChoiceRule, chooseModel, type ModelChoice } from '../predict/chooseModel';
import type { StalenessLimit } from '../features/learnStalenessLimit';
import type { ServingModel } from '../predict/ServingModel';
import type { Observation } from '../sources/Observation';
import type { HistoryRecord } from '../features/HistoryRecord';
import { AsOf } from './AsOf';
import { historyInputFor } from '../features/historyInputFor';

/** One input a served slot's model read. */
export interface ServedInput {
  source: string;
  /** Epoch ms. */
  observedAt: number;
  /** Epoch ms; never after the slot's issueTime. */
  availableAt: number;
}

/** What one issue slot got. */
export interface ServedSlot {
  issueTime: number;
  /** The model chosen, or null when none could run (no forecast). */
  model: string | null;
  /** Its forecast per lead (empty without a model). */
  values: number[];
  /** Per lead, the quantiles live prediction would store with the forecast (absent when the model has no intervals). */
  quantiles?: (LeadQuantiles | undefined)[];
  /** The newest available observation of each source the chosen model reads (empty without a model). */
  inputs: ServedInput[];
}

/** Each source's staleness limit at an issue time (epoch ms), as live prediction would have learned it then. */
export type LimitsAt = (issueTime: number) => ReadonlyMap<string, StalenessLimit>;

/**
 * Serves every issue slot the way live prediction does: the newest observation of each source available at
 * issueTime (minus the `drop`ped sources), chooseModel over the candidates (best first, the last resort last),
 * and one batched ONNX run per chosen model. Without `limitsAt`, each source's configured limit (or the default).
 * `rule` is the chooser's (`freshness-first`: the rule before expected-error tables, for comparison).
 */
export async function serveSlots(
  config: ForecastConfig,
  site: string,
  issueTimes: readonly number[],
  history: ReadonlyMap<string, readonly HistoryRecord[]>,
  candidates: readonly ServingModel[],
  drop: readonly string[] = [],
  limitsAt?: LimitsAt,
  rule: ChoiceRule = 'auto',
): Promise<ServedSlot[]> {
  const asOf = new Map(
    config.sources.filter((s) => !drop.includes(s.id)).map((s) => [s.id, new AsOf(history.get(s.id) ?? [])]),
  );
  const chosen: { slot: ServedSlot; choice: ModelChoice }[] = [];
  // As live predict: the recent history of every source with history inputs, as available at each issueTime.
  const withHistory = new Set(config.sources.filter((s) => historyInputFor(s) !== undefined).map((s) => s.id));
  const slots = issueTimes.map((t): ServedSlot => {
    const latest = new Map<string, Observation>();
    const recent = new Map<string, HistoryRecord[]>();
    for (const [source, index] of asOf) {
      const r = index.at(t);
      if (r && withHistory.has(source)) recent.set(source, index.recent(t));
      if (r)
        latest.set(source, {
          source,
          site,
          observedAt: new Date(r.observedAt).toISOString(),
          availableAt: new Date(r.availableAt).toISOString(),
          values: r.values,
        });
    }
    const choice = chooseModel(
      config,
      site,
      new Date(t),
      candidates,
      { latest, limits: limitsAt?.(t), recent },
      { rule },
    );
    const inputs = (choice?.model.sources ?? []).map((source): ServedInput => {
      const o = latest.get(source) as Observation;
      return { source, observedAt: Date.parse(o.observedAt), availableAt: Date.parse(o.availableAt) };
    });
    const slot: ServedSlot = { issueTime: t, model: choice?.model.id ?? null, values: [], inputs };
    if (choice) chosen.push({ slot, choice });
    return slot;
  });
  const at = config.sites.find((s) => s.id === site);
  const byModel = new Map<ServingModel, typeof chosen>();
  for (const c of chosen) byModel.set(c.choice.model, [...(byModel.get(c.choice.model) ?? []), c]);
  for (const [model, rows] of byModel) {
    const out = await model.model.predict(Float32Array.from(rows.flatMap((r) => r.choice.row)), rows.length);
    const L = model.leadsMinutes.length;
    rows.forEach((r, i) => {
      r.slot.values = Array.from(out.subarray(i * L, (i + 1) * L));
      if (model.intervals && at)
        r.slot.quantiles = forecastQuantiles(
          model.intervals,
          config.target,
          at,
          new Date(r.slot.issueTime),
          model.leadsMinutes,
          r.slot.values,
        );
    });
  }
  return slots;
}
