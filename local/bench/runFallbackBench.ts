import type { BacktestModel } from '../../shared/backtest/BacktestReport';
import { servingCandidates } from '../../shared/backtest/servingCandidates';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import type { ModelRuntime } from '../../shared/models/ModelRuntime';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { addMinutes, floorToSlot } from '../../shared/time/slots';
import type { HistoryRecord } from '../../shared/features/HistoryRecord';
import {
  DEFAULT_TRAIN_OPTIONS,
  isParityFailure,
  type TrainOptions,
  trainModels,
} from '../../shared/training/trainModels';
import { World } from '../world/World';
import { defaultFaultEpisodes, type FaultEpisode, faultScheduleOf } from './faultEpisodes';
import { referenceForecasts } from '../../shared/backtest/referenceForecasts';
import {
  type ReferenceScores,
  type ScenarioResult,
  scoreReferences,
  scoreServed,
} from '../../shared/backtest/scoreServed';
import { type ServedSlot, serveSlots } from '../../shared/backtest/serveSlots';
import { compareWithPrevious, type PreviousRuleComparison } from '../../shared/backtest/compareWithPrevious';
import { simulateSources } from './simulateSources';
import { DEFAULT_INGEST_TIMING, type IngestTiming, withAvailability } from './withAvailability';

/** Options of the fallback benchmark. */
export interface FallbackBenchOptions {
  /** The history ends here: the last issue slot is the one whose longest lead is observed by then. */
  end: Date;
  /** Days of issue slots; the last `heldOutFraction` of them are held out and evaluated. */
  days: number;
  /** Seed of the simulated world. */
  seed: number;
  /** The site simulated and evaluated; undefined: the configuration's first. */
  site: string | undefined;
  /** Overrides of the training options (the defaults are what `npm run train` uses). */
  train: Partial<TrainOptions>;
  /** How publishedAt turns into availableAt. */
  ingest: IngestTiming;
  /** The outages over the held-out window; undefined: defaultFaultEpisodes. */
  episodes: ((sources: readonly string[], heldOut: { from: Date; to: Date }) => FaultEpisode[]) | undefined;
  /** Slots after an episode ends that still count as part of it (the backlog is being delivered). */
  recoveryMinutes: number;
  /** Pictures analysed at once. */
  imageConcurrency: number;
  /** Runs the models; a new OnnxModelRuntime when undefined. */
  runtime: ModelRuntime | undefined;
  /** Progress lines. */
  log: (line: string) => void;
}

export const DEFAULT_FALLBACK_BENCH_OPTIONS: FallbackBenchOptions = {
  end: new Date('2026-06-29T00:00:00Z'),
  days: 28,
  seed: 42,
  site: undefined,
  train: {},
  ingest: DEFAULT_INGEST_TIMING,
  episodes: undefined,
  recoveryMinutes: 60,
  imageConcurrency: 4,
  runtime: undefined,
  log: () => undefined,
};

/** A trained model as the bench reports it: as the backtest report lists it. */
export type BenchModel = BacktestModel;

/** Everything the benchmark measured. */
export interface FallbackBenchResult {
  seed: number;
  site: string;
  target: { source: string; field: string; unit: string };
  leadsMinutes: number[];
  window: { from: string; heldOutFrom: string; to: string };
  trainingRows: number;
  heldOutSlots: number;
  models: BenchModel[];
  pruned: { id: string; reason: string }[];
  /**
   * `all sources fresh`, `without <source>` per source, `fault schedule`; each with the previous rule (freshness
   * first) on the same slots and persistence of the target as available in it, when the models have expected-error tables.
   */
  scenarios: (ScenarioResult & { previousRule?: PreviousRuleComparison })[];
  /** Persistence and (solar target) smart persistence, scored on the slots `all sources fresh` served. */
  references: ReferenceScores;
  faults: {
    /** The schedule as the providers' PROVIDER_FAULTS setting. */
    providerFaults: Record<string, { from: string; to: string }[]>;
    /** Per episode: the slots from its start to `recoveryMinutes` after its end. */
    episodes: {
      label: string;
      sources: string[];
      from: string;
      to: string;
      result: ScenarioResult & { previousRule?: PreviousRuleComparison };
    }[];
  };
  seconds: { simulate: number; train: number; evaluate: number };
  /** What did not go as asked, e.g. a model family left out because its ONNX export failed the parity check. */
  notes: string[];
}

/** Scenario names, in table order. */
export const ALL_FRESH = 'all sources fresh';
export const FAULT_SCHEDULE = 'fault schedule';
export const withoutScenario = (source: string): string => `without ${source}`;

const HOUR_MS = 3_600_000;

/**
 * Service without a source, measured: simulates `days` of every source at one site (camera features from the
 * world's pictures), trains the registry's models with trainModels on the first part, and serves every held-out
 * slot as live prediction does (chooseModel over the ONNX-loaded models, persistence last) with all sources fresh,
 * with each source missing, and under a fault schedule whose backlogs arrive late.
 */
export async function runFallbackBench(
  config: ForecastConfig,
  options: Partial<FallbackBenchOptions> = {},
): Promise<FallbackBenchResult> {
  const o = { ...DEFAULT_FALLBACK_BENCH_OPTIONS, ...options };
  if (!(Number.isFinite(o.days) && o.days >= 1)) throw new RangeError(`days must be at least 1, got ${o.days}`);
  if (Number.isNaN(o.end.getTime())) throw new RangeError('end is not a valid time');
  const siteConfig = o.site === undefined ? config.sites[0] : config.sites.find((s) => s.id === o.site);
  if (!siteConfig)
    throw new RangeError(
      `unknown site "${o.site ?? ''}"; expected one of ${config.sites.map((s) => `"${s.id}"`).join(', ')}`,
    );
  const site = siteConfig.id;
  // One site: trainModels trains on every configured site, and only this one is simulated.
  const bench: ForecastConfig = { ...config, sites: [siteConfig] };
  const train: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, codeVersion: 'bench', ...o.train, historyDays: o.days };
  const cadence = config.forecast.cadenceMinutes;
  const leads = config.forecast.leadsMinutes;
  const maxLead = Math.max(...leads);
  const sources = config.sources.map((s) => s.id);

  // The window as trainAndPublish cuts it.
  const to = floorToSlot(addMinutes(o.end, -maxLead), cadence);
  const from = floorToSlot(addMinutes(to, -o.days * 1440), cadence);
  const heldOutFrom = floorToSlot(
    new Date(from.getTime() + (1 - train.heldOutFraction) * (to.getTime() - from.getTime())),
    cadence,
  );

  const began = Date.now();
  const world = new World({
    seed: o.seed,
    sites: [{ id: site, latitude: siteConfig.latitude, longitude: siteConfig.longitude }],
  });
  // Inputs older than the longest staleness limit are never used, so a few hours before `from` are enough.
  const simulated = await simulateSources(
    world,
    bench,
    site,
    new Date(from.getTime() - 3 * HOUR_MS),
    addMinutes(to, maxLead + 10),
    {
      imageConcurrency: o.imageConcurrency,
      onImages: (done, total) => o.log(`camera features ${done}/${total}`),
    },
  );
  const historyWith = (
    outages: Readonly<Record<string, readonly { from: Date; to: Date }[]>>,
  ): Map<string, HistoryRecord[]> =>
    new Map(
      config.sources.map((s) => [
        s.id,
        withAvailability(
          world,
          site,
          s.id,
          simulated.get(s.id) ?? [],
          outages[s.id] ?? [],
          o.ingest,
          s.kind === 'image',
        ),
      ]),
    );
  const normal = historyWith({});
  const truth = new Map(
    (simulated.get(config.target.source) ?? []).map((r) => [r.observedAt, r.values[config.target.field] ?? Number.NaN]),
  );
  const simulatedAt = Date.now();

  const runtime = o.runtime ?? new OnnxModelRuntime();
  o.log(
    `training ${train.sourceSets} x ${train.kinds.join('+')} on ${from.toISOString()} .. ${heldOutFrom.toISOString()}`,
  );
  const models = await trainModels(bench, new Map([[site, normal]]), { from, to, heldOutFrom }, train, runtime, o.log);
  // Models whose ONNX export failed the parity check are not published; the report says so.
  const notes = models.pruned.filter((p) => isParityFailure(p.reason)).map((p) => p.reason);
  const trainedAt = Date.now();

  const candidates = await servingCandidates(bench, models, runtime, 'bench');
  try {
    const issueTimes: number[] = [];
    for (
      let t = Math.ceil(heldOutFrom.getTime() / (cadence * 60_000)) * cadence * 60_000;
      t <= to.getTime();
      t += cadence * 60_000
    )
      issueTimes.push(t);
    const references = referenceForecasts(bench, site, issueTimes, normal.get(config.target.source) ?? []);
    const run = async (
      name: string,
      history: ReadonlyMap<string, readonly HistoryRecord[]>,
      drop: string[] = [],
    ): Promise<{
      result: ScenarioResult & { previousRule?: PreviousRuleComparison };
      slots: ServedSlot[];
      previous: ServedSlot[] | undefined;
      asAvailable: ReturnType<typeof referenceForecasts>;
    }> => {
      o.log(`serving ${issueTimes.length} held-out slots: ${name}`);
      const slots = await serveSlots(bench, site, issueTimes, history, candidates, drop);
      // The previous rule (freshness first, best-ranked) on the same slots, when the models have expected-error tables.
      const previous = candidates.some((c) => c.expectedError)
        ? await serveSlots(bench, site, issueTimes, history, candidates, drop, undefined, 'freshness-first')
        : undefined;
      const asAvailable = referenceForecasts(bench, site, issueTimes, history.get(config.target.source) ?? []);
      return {
        result: {
          ...scoreServed(name, slots, leads, truth, references),
          ...(previous ? { previousRule: compareWithPrevious(slots, previous, leads, truth, asAvailable) } : {}),
        },
        slots,
        previous,
        asAvailable,
      };
    };

    const fresh = await run(ALL_FRESH, normal);
    const scenarios: ScenarioResult[] = [fresh.result];
    for (const s of sources) scenarios.push((await run(withoutScenario(s), normal, [s])).result);
    const episodes = (o.episodes ?? defaultFaultEpisodes)(sources, { from: heldOutFrom, to });
    const { json, schedule } = faultScheduleOf(episodes, sources);
    const faulted = await run(FAULT_SCHEDULE, historyWith(schedule));
    scenarios.push(faulted.result);
    const episodeResults = episodes.map((e) => {
      const until = e.to.getTime() + o.recoveryMinutes * 60_000;
      const during = (s: ServedSlot): boolean => s.issueTime >= e.from.getTime() && s.issueTime < until;
      const slots = faulted.slots.filter(during);
      const previous = faulted.previous?.filter(during);
      return {
        label: e.label,
        sources: e.sources,
        from: e.from.toISOString(),
        to: e.to.toISOString(),
        result: {
          ...scoreServed(e.label, slots, leads, truth, references),
          ...(previous
            ? { previousRule: compareWithPrevious(slots, previous, leads, truth, faulted.asAvailable) }
            : {}),
        },
      };
    });

    const keptIds = new Set(models.kept.map((k) => k.card.id));
    return {
      seed: o.seed,
      site,
      target: { source: config.target.source, field: config.target.field, unit: config.target.unit },
      leadsMinutes: [...leads],
      window: { from: from.toISOString(), heldOutFrom: heldOutFrom.toISOString(), to: to.toISOString() },
      trainingRows: Math.max(...models.trained.map((t) => t.trainingRows)),
      heldOutSlots: issueTimes.length,
      models: [...models.trained]
        .sort((a, b) => a.card.heldOut.meanRmse - b.card.heldOut.meanRmse)
        .map((t) => ({
          id: t.card.id,
          kind: t.card.kind,
          sources: t.card.sources,
          kept: keptIds.has(t.card.id),
          heldOut: t.card.heldOut.perLead,
          meanRmse: t.card.heldOut.meanRmse,
          ...(t.card.learns ? { learns: t.card.learns } : {}),
        })),
      pruned: models.pruned,
      scenarios,
      references: scoreReferences(fresh.slots, leads, truth, references),
      faults: { providerFaults: json, episodes: episodeResults },
      notes,
      seconds: {
        simulate: (simulatedAt - began) / 1000,
        train: (trainedAt - simulatedAt) / 1000,
        evaluate: (Date.now() - trainedAt) / 1000,
      },
    };
  } finally {
    await Promise.all(candidates.map((c) => c.model.release()));
  }
}
