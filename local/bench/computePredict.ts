import { performance } from 'node:perf_hooks';
import type { ForecastConfig, SiteConfig } from '../../shared/config/ForecastConfig';
import type { Observation } from '../../shared/sources/Observation';
import type { ObservationStore } from '../../shared/sources/ObservationStore';
import { chooseModel, type ModelChoice } from '../../shared/predict/chooseModel';
import { gatherInputs, type GatheredInputs } from '../../shared/predict/gatherInputs';
import { ModelSpecs } from '../../shared/predict/ModelSpecs';
import type { ServingModel } from '../../shared/predict/ServingModel';
import { mapLimit } from '../../shared/util/mapLimit';

/** Sites gathered at once, as predictAll does (so memory stays flat with thousands of sites). */
export const DEFAULT_GATHER_CONCURRENCY = 32;

/** The compute part of one issue slot of predictAll, timed step by step. */
export interface ComputeTimings {
  /** gatherInputs of every site (newest available observation and learned staleness limit per source). */
  gatherMs: number;
  /** chooseModel of every site (freshness, feature row). */
  chooseMs: number;
  /** One ONNX run per model chosen, every site that chose it in the batch. */
  onnxMs: number;
  forecasts: number;
  /** Sites per model chosen. */
  byModel: Record<string, number>;
}

/**
 * What predictAll computes for one issue slot, without writing anything: the same gatherInputs (but at most
 * `gatherConcurrency` sites at once), chooseModel and batching by model, with each step timed on its own
 * (predictAll interleaves them per site, so it cannot be).
 */
export async function computePredict(
  config: ForecastConfig,
  issueTime: Date,
  observations: ObservationStore,
  candidates: readonly ServingModel[],
  gatherConcurrency = DEFAULT_GATHER_CONCURRENCY,
): Promise<ComputeTimings> {
  const t0 = performance.now();
  // As predictAll does: each source's recent state read once for the run (inside the gather time).
  const run = observations.forRun();
  const gathered: { site: SiteConfig; inputs: GatheredInputs }[] = await mapLimit(
    config.sites,
    gatherConcurrency,
    async (site) => ({ site, inputs: await gatherInputs(config, site.id, issueTime, run) }),
  );
  const t1 = performance.now();
  const chosen: { site: string; latest: Map<string, Observation>; choice: ModelChoice }[] = [];
  const specs = new ModelSpecs(config);
  for (const g of gathered) {
    const choice = chooseModel(config, g.site, issueTime, candidates, g.inputs, { specs });
    if (choice) chosen.push({ site: g.site.id, latest: g.inputs.latest, choice });
  }
  const t2 = performance.now();
  const byModel = new Map<ServingModel, Float32Array[]>();
  for (const c of chosen) {
    const rows = byModel.get(c.choice.model) ?? [];
    rows.push(Float32Array.from(c.choice.row));
    byModel.set(c.choice.model, rows);
  }
  let forecasts = 0;
  for (const [model, rows] of byModel) {
    const width = rows[0]?.length ?? 0;
    const batch = new Float32Array(rows.length * width);
    rows.forEach((r, i) => batch.set(r, i * width));
    const out = await model.model.predict(batch, rows.length);
    forecasts += out.length / model.leadsMinutes.length;
  }
  const t3 = performance.now();
  return {
    gatherMs: t1 - t0,
    chooseMs: t2 - t1,
    onnxMs: t3 - t2,
    forecasts,
    byModel: Object.fromEntries([...byModel].map(([m, rows]) => [m.id, rows.length])),
  };
}
