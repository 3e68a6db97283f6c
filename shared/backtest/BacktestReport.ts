import type { LimitCounts } from '../models/limits/OutputLimits';
import type { LeadMetrics } from '../registry/ModelCard';
import type { DelayModelSpec, OutageModelSpec, RunScheduleSpec } from '../replay/ReplaySpec';
import type { ReplayStats } from '../replay/ReplayStats';
import type { PromiseGap } from './promiseGap';
import type { IntervalMetrics } from './scoreIntervals';
import type { PreviousRuleComparison } from './compareWithPrevious';
import type { ReferenceScores, ScenarioResult } from './scoreServed';

/** How one source was replayed, and what its history looked like. */
export interface BacktestSourceSummary {
  id: string;
  kind: 'sensor' | 'image' | 'forecast';
  replay: 'csv' | 'images';
  /** The file or folder, as the configuration names it. */
  path: string;
  stats: ReplayStats;
  /** Typical minutes between observations, and the gaps in the files (outages that happened). */
  intervalMinutes: number;
  gaps: { count: number; minutes: number; longest: { from: string; to: string } | null };
  /** The delay model replayed (a declared run schedule's: fixed at its availableAfterMinutes), and the delays it drew. */
  delay: { model: DelayModelSpec; observedMinutes: { min: number; median: number; p90: number; max: number } | null };
  outages: {
    model: OutageModelSpec['kind'];
    backlog: 'delivered' | 'lost';
    windows: { from: string; to: string }[];
    minutesInTest: number;
  };
  /** The limit training used (configured, or learned from the replayed delays). */
  trainingStalenessLimitMinutes: number;
  /** A forecast source (kind `forecast`): where its runs came from, how many, and how old they were when used. */
  runs?: {
    /** `run-column`: the file's run times; `schedule`: a series per valid time sliced into declared runs. */
    from: 'run-column' | 'schedule';
    /** The declared schedule (`schedule` only). */
    schedule?: RunScheduleSpec;
    /** What the report says of it, e.g. "runs from the file's run-time column". */
    description: string;
    /** Runs replayed (before outages). */
    count: number;
    /** Rows of the file valid before their run time, left out. */
    validBeforeRunDropped: number;
    /**
     * Minutes from the runAt of the newest run available at each test issue time (delays only) to that issue time:
     * median and max over the `slots` issue times that had a run. Null when none had.
     */
    ageAtIssueMinutes: { median: number; max: number; slots: number } | null;
  };
}

/** A trained model as the report lists it. */
export interface BacktestModel {
  id: string;
  kind: string;
  sources: string[];
  /** Survived pruning: a candidate of the chooser. */
  kept: boolean;
  /** On the train period's held-out rows, as the model card has it. */
  heldOut: LeadMetrics[];
  meanRmse: number;
  /** What the model learned: the value, or the clear-sky index (solar targets; the held-out rows chose). */
  learns?: 'value' | 'clear-sky index';
  /** What the target's physical limits changed on those rows (below min, above max, at night). */
  limited?: LimitCounts;
}

/**
 * One scenario's outcome over the test period, with the references on the same served slots: persistence (the
 * newest target value available at issueTime) and, for a solar target, smart persistence (its clear-sky index).
 */
export interface BacktestScenario extends ScenarioResult, ReferenceScores {
  /** Per lead, the 10-90 % coverage and pinball loss of the served quantiles (slots whose model had intervals). */
  intervals: IntervalMetrics[];
  /**
   * The same metrics over daylight valid times only (sun above the configured elevation at the site), when the
   * backtest evaluates daylight (a solar target): night slots, where a solar forecast is trivially zero, left out.
   */
  daylight?: { perLead: LeadMetrics[] } & ReferenceScores;
  /**
   * The same slots served by the previous model-choice rule (freshness first, best-ranked), and persistence of the
   * newest target value available in this scenario (stale under outages); absent when the models have no
   * expected-error tables (both rules are then the same).
   */
  previousRule?: PreviousRuleComparison;
}

/** Forecast against actual over the first days of the test period (scenario ALL_SOURCES_FRESH). */
export interface ForecastSample {
  /** Epoch ms on the observation grid. */
  times: number[];
  actual: (number | null)[];
  /** Per lead: the forecast valid at each time (made lead minutes before), null where none was made. */
  forecasts: { leadMinutes: number; values: (number | null)[] }[];
  /** Persistence valid at each time for the first lead. */
  persistence: (number | null)[];
  /** Smart persistence valid at each time for the first lead (solar targets only). */
  smartPersistence?: (number | null)[];
}

/** Everything a backtest measured; written as report.json. */
export interface BacktestReport {
  name: string;
  createdAt: string;
  seed: number;
  site: string;
  target: { source: string; field: string; unit: string; solar?: boolean };
  leadsMinutes: number[];
  cadenceMinutes: number;
  train: { from: string; heldOutFrom: string; to: string; rows: number };
  test: { from: string; to: string; slots: number };
  sources: BacktestSourceSummary[];
  models: BacktestModel[];
  pruned: { id: string; reason: string }[];
  scenarios: BacktestScenario[];
  /** Daylight scoring: the sun elevation (degrees) above which a valid time counts, or null (all slots only). */
  daylight: { minSunElevationDeg: number } | null;
  /**
   * The naive research model's offline estimate beside what it delivers operated, and its availability-aware twin
   * (absent when no model on every source could be trained; the notes say why).
   */
  promiseGap?: PromiseGap;
  sample: ForecastSample;
  seconds: { read: number; train: number; evaluate: number };
  /** What did not go as asked, e.g. a model family left out because its ONNX export failed the parity check. */
  notes: string[];
}
