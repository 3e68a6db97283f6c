import type { ForecastConfig } from '../config/ForecastConfig';
import type { HistoryRecord } from '../features/HistoryRecord';
import type { ModelRuntime } from '../models/ModelRuntime';
import type { ServingModel } from '../predict/ServingModel';
import type { LeadMetrics } from '../registry/ModelCard';
import {
  isParityFailure,
  type TrainedModel,
  type TrainingWindow,
  trainModels,
  type TrainOptions,
} from '../training/trainModels';
import { referenceForecasts } from './referenceForecasts';
import { RollingStalenessLimits } from './RollingStalenessLimits';
import { scoreReferences, scoreServed } from './scoreServed';
import { type LimitsAt, type ServedSlot, serveSlots } from './serveSlots';

/** What a model evaluated the research way promises, beside what it delivers in operation, per lead. */
export interface PromiseGapFigures {
  /** Persistence as research computes it (the value observed at issueTime) and as operated (the newest available). */
  persistence: { offline: LeadMetrics[]; operated: LeadMetrics[] };
  /**
   * The naive research model: trained on inputs joined on observedAt (as if nothing were late). `offline` is its
   * estimate on observedAt-joined test rows (the figure a paper prints), `operated` what it delivers when fed what
   * was available at each issueTime through the live path.
   */
  naive: { offline: LeadMetrics[]; operated: LeadMetrics[] };
  /** The same family on the same sources trained on what was available at each issueTime, served the same way. */
  aware: LeadMetrics[];
  /** Per lead, 100 × (operated − offline) / offline RMSE of the naive model: how far operation falls short of the promise. */
  gapPct: number[];
  /** The same for persistence. */
  persistenceGapPct: number[];
}

/** The promise gap of a backtest (report.json's `promiseGap`). */
export interface PromiseGap extends PromiseGapFigures {
  /** The family and sources both models share, and their ids. */
  model: { kind: string; sources: string[]; naive: string; aware: string };
  /** Issue slots scored: those where the naive model (offline and operated) and the aware one were all served. */
  slots: number;
  /** The same figures over daylight valid times only (a solar target, when the backtest evaluates daylight). */
  daylight?: PromiseGapFigures;
}

/** Scenario names of the promise gap's served slots (BacktestRun.promiseGap). */
export const NAIVE_OFFLINE = 'naive offline';
export const NAIVE_OPERATED = 'naive operated';
export const AWARE_OPERATED = 'aware operated';
/** Each model of the gap serves the slots where its sources are fresh: both forms are compared on those. */
const FRESH_ONLY = 'freshness-first' as const;

export interface PromiseGapInput {
  config: ForecastConfig;
  site: string;
  issueTimes: readonly number[];
  /** Per source, the records with their replayed availableAt (delays, no outages): what operation reads. */
  operated: ReadonlyMap<string, readonly HistoryRecord[]>;
  /** The availability-aware models of the backtest; the twin is the best one on every source. */
  trained: readonly TrainedModel[];
  window: TrainingWindow;
  train: TrainOptions;
  runtime: ModelRuntime;
  truth: ReadonlyMap<number, number>;
  /** The truth at daylight valid times only, when daylight is evaluated. */
  daylightTruth?: ReadonlyMap<number, number>;
  /** Staleness limits as live prediction learns them from `operated`. */
  limitsAt: LimitsAt;
}

/**
 * The seed's central lesson measured on the user's history: the naive research model (the family of the best
 * availability-aware model on every source, trained on observedAt joins) scored offline and operated, beside its
 * aware twin and persistence, all on the same issue slots. Returns why not when there is no aware twin to compare.
 */
export async function promiseGap(
  input: PromiseGapInput,
): Promise<{ gap: PromiseGap; served: Map<string, ServedSlot[]> } | { note: string }> {
  const { config, site, issueTimes, operated, runtime, truth } = input;
  const leads = config.forecast.leadsMinutes;
  const all = config.sources.map((s) => s.id);
  const aware = [...input.trained]
    .filter((t) => all.every((s) => t.card.sources.includes(s)))
    .sort((a, b) => a.card.heldOut.meanRmse - b.card.heldOut.meanRmse)[0];
  if (!aware) return { note: 'promise gap: no availability-aware model on every source was trained, so none is shown' };
  const kind = aware.card.kind;
  if (kind !== 'gbdt' && kind !== 'linear') return { note: `promise gap: model family ${kind} cannot be retrained` };

  // Research data: every record readable the moment it was observed.
  const research = new Map(
    [...operated].map(([id, records]) => [id, records.map((r) => ({ ...r, availableAt: r.observedAt }))]),
  );
  const naiveModels = await trainModels(
    config,
    new Map([[site, research as ReadonlyMap<string, readonly HistoryRecord[]>]]),
    input.window,
    // Research trains on rows as observed: no synthetic outages either.
    { ...input.train, sourceSets: 'all', kinds: [kind], outageAging: null },
    runtime,
  );
  const naive = naiveModels.trained.find((t) => t.card.kind === kind);
  if (!naive) {
    const why = naiveModels.pruned.find((p) => isParityFailure(p.reason))?.reason ?? 'too few rows';
    return { note: `promise gap: the naive ${kind} model could not be trained (${why})` };
  }
  const naiveServing = await load(config, naive, `naive-${aware.card.id}`, runtime);
  const awareServing = await load(config, aware, aware.card.id, runtime);
  try {
    const researchLimits = new RollingStalenessLimits(config, research);
    const served = new Map<string, ServedSlot[]>([
      [
        NAIVE_OFFLINE,
        await serveSlots(
          config,
          site,
          issueTimes,
          research,
          [naiveServing],
          [],
          (t) => researchLimits.at(t),
          FRESH_ONLY,
        ),
      ],
      [
        NAIVE_OPERATED,
        await serveSlots(config, site, issueTimes, operated, [naiveServing], [], input.limitsAt, FRESH_ONLY),
      ],
      [
        AWARE_OPERATED,
        await serveSlots(config, site, issueTimes, operated, [awareServing], [], input.limitsAt, FRESH_ONLY),
      ],
    ]);
    const target = config.target;
    const offlineRefs = referenceForecasts(config, site, issueTimes, research.get(target.source) ?? []);
    const operatedRefs = referenceForecasts(config, site, issueTimes, operated.get(target.source) ?? []);
    // Only the slots all three served: the figures then differ by what the models knew, nothing else.
    const servedAt = [...served.values()].map((slots) => new Set(slots.filter((s) => s.model).map((s) => s.issueTime)));
    const common = (slots: readonly ServedSlot[]): ServedSlot[] =>
      slots.filter((s) => servedAt.every((set) => set.has(s.issueTime)));
    const slotsOf = (name: string): ServedSlot[] => common(served.get(name) ?? []);
    const figures = (scoredTruth: ReadonlyMap<number, number>): PromiseGapFigures => {
      const naiveOffline = scoreServed(NAIVE_OFFLINE, slotsOf(NAIVE_OFFLINE), leads, scoredTruth, offlineRefs).perLead;
      const naiveOperated = scoreServed(
        NAIVE_OPERATED,
        slotsOf(NAIVE_OPERATED),
        leads,
        scoredTruth,
        operatedRefs,
      ).perLead;
      const persistence = {
        offline: scoreReferences(slotsOf(NAIVE_OFFLINE), leads, scoredTruth, offlineRefs).persistence,
        operated: scoreReferences(slotsOf(NAIVE_OPERATED), leads, scoredTruth, operatedRefs).persistence,
      };
      return {
        persistence,
        naive: { offline: naiveOffline, operated: naiveOperated },
        aware: scoreServed(AWARE_OPERATED, slotsOf(AWARE_OPERATED), leads, scoredTruth, operatedRefs).perLead,
        gapPct: gapPct(naiveOffline, naiveOperated),
        persistenceGapPct: gapPct(persistence.offline, persistence.operated),
      };
    };
    return {
      gap: {
        model: { kind, sources: [...aware.card.sources], naive: naiveServing.id, aware: aware.card.id },
        slots: slotsOf(NAIVE_OFFLINE).length,
        ...figures(truth),
        ...(input.daylightTruth ? { daylight: figures(input.daylightTruth) } : {}),
      },
      served,
    };
  } finally {
    await Promise.all([naiveServing.model.release(), awareServing.model.release()]);
  }
}

/** 100 × (operated − offline) / offline per lead; NaN where the offline RMSE is zero or unknown. */
export function gapPct(offline: readonly LeadMetrics[], operated: readonly LeadMetrics[]): number[] {
  return offline.map((o, l) => {
    const op = operated[l]?.rmse ?? Number.NaN;
    return o.rmse > 0 && Number.isFinite(op) ? Math.round((1000 * (op - o.rmse)) / o.rmse) / 10 : Number.NaN;
  });
}

async function load(config: ForecastConfig, t: TrainedModel, id: string, runtime: ModelRuntime): Promise<ServingModel> {
  return {
    id,
    kind: t.card.kind,
    version: 'backtest',
    sources: t.card.sources,
    featureNames: t.card.inputs,
    ...(t.card.featureInputs ? { featureInputs: t.card.featureInputs } : {}),
    leadsMinutes: [...config.forecast.leadsMinutes],
    score: t.card.heldOut.meanRmse,
    model: await runtime.load(t.bytes),
  };
}
