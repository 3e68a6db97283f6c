import type { ModelRuntime } from '../models/ModelRuntime';
import { OnnxModelRuntime } from '../models/OnnxModelRuntime';
import { PredictionInvariantError } from '../predict/PredictionError';
import type { HistoryRecord } from '../features/HistoryRecord';
import { sunAtValidTime } from '../features/elevationBand';
import { sourceSets } from '../training/sourceSets';
import { stalenessLimitsFor } from '../training/stalenessLimitsFor';
import { TrainingDataError } from '../training/TrainingDataError';
import {
  DEFAULT_TRAIN_OPTIONS,
  isParityFailure,
  modelsPerSet,
  type TrainedModels,
  type TrainOptions,
  trainModels,
} from '../training/trainModels';
import type { BacktestPlan } from './BacktestPlan';
import type { BacktestReport, BacktestScenario } from './BacktestReport';
import { forecastSample } from './forecastSample';
import { readReplays } from './readReplays';
import { replayedAvailability } from './replayedAvailability';
import { RollingStalenessLimits } from './RollingStalenessLimits';
import { AsOf } from './AsOf';
import type { StalenessLimit } from '../features/learnStalenessLimit';
import { ALL_SOURCES_FRESH, OUTAGE_MODEL, withoutSource } from './scenarioNames';
import { type ReferenceForecasts, referenceForecasts } from './referenceForecasts';
import { scoreIntervals } from './scoreIntervals';
import { scoreReferences, scoreServed } from './scoreServed';
import { type ServedSlot, serveSlots } from './serveSlots';
import { servingCandidates } from './servingCandidates';
import { compareWithPrevious } from './compareWithPrevious';
import { summarizeSource } from './summarizeSource';
import { promiseGap } from './promiseGap';
import { solarPosition } from '../solar/solarPosition';

/** Options of runBacktest. */
export interface RunBacktestOptions {
  /** Runs the models; a new OnnxModelRuntime when undefined. */
  runtime: ModelRuntime | undefined;
  /** How far the work is: the step (`read skycam`, `train`, `serve`), and done of total in it. */
  onProgress: (step: string, done: number, total: number) => void;
  /** The report's createdAt. */
  now: () => Date;
}

export const DEFAULT_RUN_BACKTEST_OPTIONS: RunBacktestOptions = {
  runtime: undefined,
  onProgress: () => undefined,
  now: () => new Date(),
};

/** A backtest's report, every served slot per scenario (for audits: which inputs each forecast read), and the models. */
export interface BacktestRun {
  report: BacktestReport;
  served: Map<string, ServedSlot[]>;
  /** The promise gap's slots: the naive model offline and operated, its aware twin operated (empty without one). */
  research: Map<string, ServedSlot[]>;
  /** The target as observed, by observedAt (epoch ms): the actual of every validTime. */
  truth: ReadonlyMap<number, number>;
  /** Persistence (and smart persistence) per test issue slot, as every scenario was scored against. */
  references: ReferenceForecasts;
  /** The models trained on the train period (their ONNX bytes and card entries): what a registry version would hold. */
  models: TrainedModels;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The operational backtest: replays every source's history through its delay model (and, for the outage scenario
 * and training, its outage model), trains the registry's models with trainModels on the train period exactly as
 * `npm run train` would (as-of joins on availability, staleness limits, held-out ranking and pruning, ONNX export
 * checked for parity), then serves every issue slot of the test period as live prediction does: the newest
 * observation available at issueTime, limits learned as gatherInputs learns them, chooseModel over the ONNX
 * models with the baselines last. Scored per lead against what was observed, and against persistence of the newest
 * target value available at issueTime (and, for a solar target, smart persistence of it), with all sources, without
 * each one, and under the outage model.
 */
export async function runBacktest(plan: BacktestPlan, options: Partial<RunBacktestOptions> = {}): Promise<BacktestRun> {
  const o = { ...DEFAULT_RUN_BACKTEST_OPTIONS, ...options };
  const { config, site } = plan;
  const { target } = config;
  const cadence = config.forecast.cadenceMinutes;
  const leads = config.forecast.leadsMinutes;
  const maxLead = Math.max(...leads);
  const step = cadence * MINUTE_MS;
  const ceilSlot = (t: number): number => Math.ceil(t / step) * step;
  const floorSlot = (t: number): number => Math.floor(t / step) * step;

  // Issue slots whose every target is observed inside their own period: nothing of the test period trains a model.
  const trainFrom = ceilSlot(plan.train.from.getTime());
  const trainTo = floorSlot(plan.train.to.getTime() - maxLead * MINUTE_MS);
  if (!(trainTo > trainFrom))
    throw new TrainingDataError(
      'INVALID_OPTIONS',
      `the train period ${plan.train.from.toISOString()} .. ${plan.train.to.toISOString()} is shorter than the longest lead (${maxLead} min) plus a slot`,
    );
  const issueTimes: number[] = [];
  for (let t = ceilSlot(plan.test.from.getTime()); t + maxLead * MINUTE_MS <= plan.test.to.getTime(); t += step)
    issueTimes.push(t);
  if (issueTimes.length === 0)
    throw new TrainingDataError(
      'INVALID_OPTIONS',
      `the test period ${plan.test.from.toISOString()} .. ${plan.test.to.toISOString()} has no issue slot whose ${maxLead}-minute lead ends in it`,
    );

  const began = Date.now();
  const replays = await readReplays(plan, (source, done, total) => o.onProgress(`read ${source}`, done, total));
  const { normal, faulted, windows } = replayedAvailability(plan, replays);
  const observationsOf = (id: string): NonNullable<ReturnType<typeof replays.get>>['observations'] =>
    replays.get(id)?.observations ?? [];
  const hasOutages = plan.sources.some((s) => s.spec.outages.kind !== 'none');
  const readAt = Date.now();

  const runtime = o.runtime ?? new OnnxModelRuntime();
  const notes: string[] = [];
  const t = plan.training;
  const train: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    codeVersion: 'backtest',
    historyDays: (trainTo - trainFrom) / DAY_MS,
    heldOutFraction: t.heldOutFraction,
    sourceSets: t.sourceSets,
    kinds: t.kinds,
    gbdt: t.gbdt,
    ridge: { ...DEFAULT_TRAIN_OPTIONS.ridge, ...t.ridge },
    minTrainingRows: t.minTrainingRows,
  };
  const heldOutFrom = floorSlot(trainFrom + (1 - train.heldOutFraction) * (trainTo - trainFrom));
  const trainingHistory = new Map([[site, faulted as ReadonlyMap<string, readonly HistoryRecord[]>]]);
  const steps =
    (train.sourceSets === 'all' ? 1 : sourceSets(config.sources.map((s) => s.id)).length) * modelsPerSet(train);
  let trainedSteps = 0;
  o.onProgress('train', 0, steps);
  const models = await trainModels(
    config,
    trainingHistory,
    { from: new Date(trainFrom), to: new Date(trainTo), heldOutFrom: new Date(heldOutFrom) },
    train,
    runtime,
    () => o.onProgress('train', Math.min(steps, ++trainedSteps), steps),
  );
  // A model whose ONNX export failed its parity check is not published; the report says so.
  notes.push(...models.pruned.filter((p) => isParityFailure(p.reason)).map((p) => p.reason));
  const trainedAt = Date.now();

  const candidates = await servingCandidates(config, models, runtime, 'backtest');
  try {
    const truth = new Map(
      observationsOf(target.source).map((x) => [x.observedAt, x.values[target.field] ?? Number.NaN]),
    );
    const references = referenceForecasts(config, site, issueTimes, normal.get(target.source) ?? []);
    const plans: { name: string; history: ReadonlyMap<string, readonly HistoryRecord[]>; drop: string[] }[] = [
      { name: ALL_SOURCES_FRESH, history: normal, drop: [] },
      ...config.sources.map((s) => ({ name: withoutSource(s.id), history: normal, drop: [s.id] })),
      ...(hasOutages ? [{ name: OUTAGE_MODEL, history: faulted, drop: [] }] : []),
    ];
    const served = new Map<string, ServedSlot[]>();
    const scenarios: BacktestScenario[] = [];
    const siteConfig = config.sites.find((s) => s.id === site);
    const daylight = plan.daylight;
    // The target at daylight valid times only: metrics on it leave the night out (NaN pairs are not scored).
    const daylightTruth =
      daylight && siteConfig
        ? new Map(
            [...truth].filter(
              ([at]) =>
                solarPosition(siteConfig.latitude, siteConfig.longitude, new Date(at)).elevationDeg >
                daylight.minSunElevationDeg,
            ),
          )
        : undefined;
    const sunUp =
      target.solar && siteConfig ? (t: number) => !sunAtValidTime(siteConfig, new Date(t), []).down : undefined;
    o.onProgress('serve', 0, plans.length);
    for (const [i, p] of plans.entries()) {
      const limits = new RollingStalenessLimits(config, p.history);
      const slots = await serveSlots(config, site, issueTimes, p.history, candidates, p.drop, (at) => limits.at(at));
      assertOnlyAvailableInputs(p.name, slots);
      // The previous rule on the same slots, when the models carry expected-error tables (else it is the same rule).
      const tables = candidates.some((c) => c.expectedError !== undefined);
      const previous = tables
        ? await serveSlots(
            config,
            site,
            issueTimes,
            p.history,
            candidates,
            p.drop,
            (at) => limits.at(at),
            'freshness-first',
          )
        : undefined;
      if (previous) assertOnlyAvailableInputs(`${p.name} (previous rule)`, previous);
      served.set(p.name, slots);
      scenarios.push({
        ...scoreServed(p.name, slots, leads, truth, references),
        ...scoreReferences(slots, leads, truth, references),
        intervals: scoreIntervals(slots, leads, truth, sunUp),
        ...(previous
          ? {
              previousRule: compareWithPrevious(
                slots,
                previous,
                leads,
                truth,
                referenceForecasts(config, site, issueTimes, p.history.get(target.source) ?? []),
              ),
            }
          : {}),
        ...(daylightTruth
          ? {
              daylight: {
                perLead: scoreServed(p.name, slots, leads, daylightTruth, references).perLead,
                ...scoreReferences(slots, leads, daylightTruth, references),
              },
            }
          : {}),
      });
      o.onProgress('serve', i + 1, plans.length);
    }

    o.onProgress('promise gap', 0, 1);
    const liveLimits = new RollingStalenessLimits(config, normal);
    const gap = await promiseGap({
      config,
      site,
      issueTimes,
      operated: normal,
      trained: models.trained,
      window: { from: new Date(trainFrom), to: new Date(trainTo), heldOutFrom: new Date(heldOutFrom) },
      train,
      runtime,
      truth,
      ...(daylightTruth ? { daylightTruth } : {}),
      limitsAt: (at) => liveLimits.at(at),
    });
    if ('note' in gap) notes.push(gap.note);
    o.onProgress('promise gap', 1, 1);
    for (const s of plan.sources.filter((x) => x.kind === 'forecast')) {
      const note = staleRunsNote(s.id, issueTimes, normal.get(s.id) ?? [], (at) => liveLimits.at(at).get(s.id));
      if (note) notes.push(note);
    }

    const limits = stalenessLimitsFor(config, trainingHistory);
    const keptIds = new Set(models.kept.map((k) => k.card.id));
    const testFrom = issueTimes[0] as number;
    const report: BacktestReport = {
      name: plan.name,
      createdAt: o.now().toISOString(),
      seed: plan.seed,
      site,
      target: {
        source: target.source,
        field: target.field,
        unit: target.unit,
        ...(target.solar === true ? { solar: true } : {}),
      },
      leadsMinutes: [...leads],
      cadenceMinutes: cadence,
      train: {
        from: iso(trainFrom),
        heldOutFrom: iso(heldOutFrom),
        to: iso(trainTo),
        rows: Math.max(...models.trained.map((m) => m.trainingRows)),
      },
      test: { from: iso(testFrom), to: iso(issueTimes[issueTimes.length - 1] as number), slots: issueTimes.length },
      sources: plan.sources.map((s) => {
        const replayed = replays.get(s.id);
        if (!replayed) throw new Error(`source ${s.id} was not read`);
        return summarizeSource(
          s,
          replayed,
          normal.get(s.id) ?? [],
          windows.get(s.id) ?? [],
          plan.test,
          limits[s.id] ?? Number.NaN,
          issueTimes,
        );
      }),
      models: [...models.trained]
        .sort((a, b) => a.card.heldOut.meanRmse - b.card.heldOut.meanRmse)
        .map((m) => ({
          id: m.card.id,
          kind: m.card.kind,
          sources: m.card.sources,
          kept: keptIds.has(m.card.id),
          heldOut: m.card.heldOut.perLead,
          meanRmse: m.card.heldOut.meanRmse,
          ...(m.card.learns ? { learns: m.card.learns } : {}),
          ...(m.card.limited ? { limited: m.card.limited } : {}),
        })),
      pruned: models.pruned,
      scenarios,
      daylight,
      ...('gap' in gap ? { promiseGap: gap.gap } : {}),
      sample: forecastSample(
        served.get(ALL_SOURCES_FRESH) ?? [],
        leads,
        truth,
        references,
        testFrom,
        Math.min(testFrom + plan.report.sampleDays * DAY_MS, plan.test.to.getTime()),
        cadence,
      ),
      seconds: {
        read: (readAt - began) / 1000,
        train: (trainedAt - readAt) / 1000,
        evaluate: (Date.now() - trainedAt) / 1000,
      },
      notes,
    };
    if (truth.size > 0 && issueTimes.every((t) => !truth.has(t + (leads[0] ?? 0) * MINUTE_MS))) {
      notes.push(
        `no ${target.source} observation falls on the ${cadence}-minute issue grid in the test period: targets are matched at exact validTimes, so nothing could be scored`,
      );
    }
    return { report, served, research: 'served' in gap ? gap.served : new Map(), truth, references, models };
  } finally {
    await Promise.all(candidates.map((c) => c.model.release()));
  }
}

/**
 * A forecast source whose newest run is older than its staleness limit at most test slots is rarely read, and the
 * report would only show it as worthless: say why. Runs hours apart and published hours late are not "live" by the
 * delay rule observations are learned with, so without a configured limit the default one applies.
 */
function staleRunsNote(
  id: string,
  issueTimes: readonly number[],
  runs: readonly HistoryRecord[],
  limitAt: (t: number) => StalenessLimit | undefined,
): string | undefined {
  const asOf = new AsOf(runs);
  let withRun = 0;
  let stale = 0;
  const limits = new Map<string, number>();
  for (const t of issueTimes) {
    const r = asOf.at(t);
    const limit = limitAt(t);
    if (!r || !limit) continue;
    withRun++;
    if (t - r.observedAt > limit.minutes * MINUTE_MS) {
      stale++;
      const key = `${limit.minutes} min, ${limit.basis}`;
      limits.set(key, (limits.get(key) ?? 0) + 1);
    }
  }
  if (withRun === 0 || stale * 2 <= withRun) return undefined;
  const usual = [...limits].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
  return (
    `forecast source "${id}": its newest available run was older than its staleness limit at ${stale} of ${withRun} test issue slots ` +
    `(its limit mostly ${usual}), so models reading it could rarely serve. Runs hours apart and published hours after they start are not fresh ` +
    `by a limit learned like an observation's: set stalenessLimitMinutes for "${id}" in the forecast configuration (about the run interval plus the publication delay).`
  );
}

/** Promise 1 of the design, checked on every served slot: no input became available after its issueTime. */
function assertOnlyAvailableInputs(scenario: string, slots: readonly ServedSlot[]): void {
  for (const s of slots) {
    for (const input of s.inputs) {
      if (input.availableAt > s.issueTime || input.observedAt > s.issueTime) {
        throw new PredictionInvariantError(
          `${scenario}: input ${input.source} (observed ${iso(input.observedAt)}, available ${iso(input.availableAt)}) used at issueTime ${iso(s.issueTime)}`,
        );
      }
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
