import type { ForecastConfig } from '../config/ForecastConfig';
import type { MissingInput } from '../forecast/Forecast';
import type { Observation } from '../sources/Observation';
import { minutesBetween } from '../time/slots';
import { featureRow } from '../features/featureRow';
import { featureSpecFor } from '../features/featureSpecFor';
import { withFeatureInputs } from '../features/FeatureSpec';
import type { RecentObservation } from '../features/historyFeatures';
import { DEFAULT_STALENESS_OPTIONS, type StalenessLimit } from '../features/learnStalenessLimit';
import type { ServingModel } from './ServingModel';

/** What choosing needs to know of a model (a loaded ServingModel, or a model card's entry). */
export type ChoosableModel = Pick<
  ServingModel,
  'id' | 'sources' | 'featureNames' | 'clearSkyAtObservation' | 'featureInputs'
>;

export interface ModelChoice<M extends ChoosableModel = ServingModel> {
  model: M;
  row: number[];
  /** Sources the model did not read, with the reason. */
  missing: MissingInput[];
}

/** Which sources are fresh at issueTime: their newest available observation is younger than their staleness limit. */
export function freshness(
  config: ForecastConfig,
  latest: ReadonlyMap<string, Observation>,
  issueTime: Date,
  limits: ReadonlyMap<string, StalenessLimit> = new Map(),
): Map<string, MissingInput | null> {
  const out = new Map<string, MissingInput | null>();
  for (const source of config.sources) {
    const obs = latest.get(source.id);
    const limit =
      limits.get(source.id)?.minutes ?? source.stalenessLimitMinutes ?? DEFAULT_STALENESS_OPTIONS.defaultMinutes;
    // A forecast source's record is a run: its observedAt is the runAt, and its age the run's.
    const what = source.kind === 'forecast' ? 'run' : 'observation';
    if (!obs) {
      out.set(source.id, { source: source.id, reason: `never seen: no ${what} available at issueTime` });
      continue;
    }
    const age = minutesBetween(new Date(obs.observedAt), issueTime);
    out.set(
      source.id,
      age > limit
        ? {
            source: source.id,
            reason: `stale since ${new Date(new Date(obs.observedAt).getTime() + limit * 60_000).toISOString()}: ${
              source.kind === 'forecast'
                ? `newest run ${obs.observedAt.slice(11, 16)} UTC, age ${Math.round(age)} min`
                : `newest observation ${Math.round(age)} min old`
            }, limit ${Math.round(limit)} min`,
            newestObservedAt: obs.observedAt,
          }
        : null,
    );
  }
  return out;
}

/**
 * The best model (the candidates come best first) whose sources are all fresh and whose input row can be built
 * exactly as it was trained; undefined when none can run.
 */
export function chooseModel<M extends ChoosableModel>(
  config: ForecastConfig,
  site: string,
  issueTime: Date,
  candidates: readonly M[],
  latest: ReadonlyMap<string, Observation>,
  limits?: ReadonlyMap<string, StalenessLimit>,
  recent?: ReadonlyMap<string, readonly RecentObservation[]>,
): ModelChoice<M> | undefined {
  const fresh = freshness(config, latest, issueTime, limits);
  const asFeatures = new Map(
    [...latest].map(([id, o]) => {
      const r = recent?.get(id);
      return [id, { observedAt: Date.parse(o.observedAt), values: o.values, ...(r ? { recent: r } : {}) }];
    }),
  );
  for (const model of candidates) {
    if (!model.sources.every((s) => fresh.get(s) === null)) continue;
    const spec = withFeatureInputs(featureSpecFor(config, site, model.sources), model.featureInputs);
    const extra = model.clearSkyAtObservation;
    const row = featureRow(extra ? { ...spec, clearSkyAtObservation: extra } : spec, issueTime, asFeatures);
    if (!Array.isArray(row)) continue;
    // A model trained on other columns (the configuration changed since) must not be fed misaligned inputs.
    if (model.featureNames.length !== row.length) continue;
    const missing = config.sources
      .filter((s) => !model.sources.includes(s.id))
      .map((s) => fresh.get(s.id) ?? { source: s.id, reason: `fresh, but not an input of ${model.id}` });
    return { model, row, missing };
  }
  return undefined;
}
