import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { chooseModel, type ModelChoice } from '../../shared/predict/chooseModel';
import type { ServingModel } from '../../shared/predict/ServingModel';
import type { Observation } from '../../shared/sources/Observation';
import type { HistoryRecord } from '../../shared/training/HistoryRecord';

/** What one issue slot got. */
export interface ServedSlot {
  issueTime: number;
  /** The model chosen, or null when none could run (no forecast). */
  model: string | null;
  /** Its forecast per lead (empty without a model). */
  values: number[];
}

/**
 * Serves every issue slot the way live prediction does: the newest observation of each source available at
 * issueTime (minus the `drop`ped sources), chooseModel over the candidates (best first, the last resort last),
 * and one batched ONNX run per chosen model.
 */
export async function serveSlots(
  config: ForecastConfig,
  site: string,
  issueTimes: readonly number[],
  history: ReadonlyMap<string, readonly HistoryRecord[]>,
  candidates: readonly ServingModel[],
  drop: readonly string[] = [],
): Promise<ServedSlot[]> {
  const asOf = new Map(config.sources.filter((s) => !drop.includes(s.id)).map((s) => [s.id, new AsOf(history.get(s.id) ?? [])]));
  const chosen: { slot: ServedSlot; choice: ModelChoice }[] = [];
  const slots = issueTimes.map((t): ServedSlot => {
    const latest = new Map<string, Observation>();
    for (const [source, index] of asOf) {
      const r = index.at(t);
      if (r) latest.set(source, { source, site, observedAt: new Date(r.observedAt).toISOString(), availableAt: new Date(r.availableAt).toISOString(), values: r.values });
    }
    const choice = chooseModel(config, site, new Date(t), candidates, latest);
    const slot: ServedSlot = { issueTime: t, model: choice?.model.id ?? null, values: [] };
    if (choice) chosen.push({ slot, choice });
    return slot;
  });
  const byModel = new Map<ServingModel, typeof chosen>();
  for (const c of chosen) byModel.set(c.choice.model, [...(byModel.get(c.choice.model) ?? []), c]);
  for (const [model, rows] of byModel) {
    const out = await model.model.predict(Float32Array.from(rows.flatMap((r) => r.choice.row)), rows.length);
    const L = model.leadsMinutes.length;
    rows.forEach((r, i) => {
      r.slot.values = Array.from(out.subarray(i * L, (i + 1) * L));
    });
  }
  return slots;
}

/** The newest record (by observedAt) usable at a time: available, and not observed after it. */
export class AsOf {
  private readonly byObserved: readonly HistoryRecord[];

  constructor(records: readonly HistoryRecord[]) {
    this.byObserved = [...records].sort((a, b) => a.observedAt - b.observedAt);
  }

  at(t: number): HistoryRecord | undefined {
    // Binary search for the last record observed at or before t, then walk back to the newest one available.
    let lo = 0;
    let hi = this.byObserved.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.byObserved[mid] as HistoryRecord).observedAt <= t) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) {
      const r = this.byObserved[i] as HistoryRecord;
      if (r.availableAt <= t) return r;
    }
    return undefined;
  }
}
