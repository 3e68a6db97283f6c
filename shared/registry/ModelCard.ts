import type { LimitCounts } from '../models/limits/OutputLimits';
import type { ExpectedErrorTable } from './ExpectedErrorTable';
import type { ForecastIntervals } from './ForecastIntervals';

/** Held-out metrics of one model at one lead. */
export interface LeadMetrics {
  leadMinutes: number;
  rmse: number;
  mae: number;
  /** 1 - rmse / rmse(persistence) on the same rows. */
  skill: number;
  /** Rows scored. */
  n: number;
  /** RMSE of smart persistence on the rows it has a value for (solar targets only; absent in older cards). */
  smartPersistenceRmse?: number;
  /** 1 - rmse / smartPersistenceRmse on those same rows (solar targets only). */
  smartSkill?: number;
}

/** One ONNX model of a registry version. */
export interface CardModel {
  /** Unique within the version, e.g. `gbdt-all`. */
  id: string;
  kind: 'gbdt' | 'linear' | 'persistence' | 'baseline';
  /** File name inside the version folder. */
  file: string;
  /** Sources whose fresh data the model needs (empty for a baseline). */
  sources: string[];
  /** Input columns in order (`features` float32 [N, inputs.length]). */
  inputs: string[];
  /** Metrics on the held-out window. */
  heldOut: { perLead: LeadMetrics[]; meanRmse: number };
  /** What the model learned: the target's value, or its ratio to the clear-sky irradiance (solar targets). */
  learns?: 'value' | 'clear-sky index';
  /** What the physical limits changed on the held-out window (cards of older versions have none). */
  limited?: LimitCounts;
  /** Calibrated forecast intervals from the held-out residuals (cards of older versions have none: no quantiles). */
  intervals?: ForecastIntervals;
  /**
   * The feature spec keys of history and derived inputs it was trained with (FeatureInputs); cards of older versions
   * have none, and their models get exactly the columns of their time.
   */
  featureInputs?: CardFeatureInputs;
  /** Held-out RMSE by lead and age band of its inputs (cards of older versions have none: freshness-first choice). */
  expectedError?: ExpectedErrorTable;
  /** Sha-256 of the ONNX bytes, checked when the model is loaded. */
  sha256: string;
}

/** What a registry version is: its models and how they were made. Written once, never changed. */
export interface ModelCard {
  version: string;
  createdAt: string;
  /** The code that trained it (package version and git commit when known). */
  codeVersion: string;
  exporter: { name: string; version: string; opset: Record<string, number> };
  target: { source: string; field: string; unit: string };
  leadsMinutes: number[];
  cadenceMinutes: number;
  sites: string[];
  trainingWindow: { from: string; to: string; rows: number };
  heldOutWindow: { from: string; to: string; rows: number };
  models: CardModel[];
  /**
   * The built-in baselines' expected error by the age of the newest target value, keyed by kind (`persistence`,
   * `smart-persistence`), on the same held-out rows (absent in older cards).
   */
  baselineExpectedError?: Record<string, ExpectedErrorTable>;
  /** The model to serve when all its sources are fresh (best held-out mean RMSE). */
  serving: string;
  /** Models left out because a model on fewer sources scored as well or better. */
  pruned: { id: string; reason: string }[];
  /** How it compared with the champion of the time, on the same held-out window. */
  comparison?: {
    champion: string | null;
    candidateRmse: number[];
    championRmse: number[] | null;
    beatsChampion: boolean;
  };
  /** Whether training promoted this version, and why (or why not). */
  decision?: { promoted: boolean; reason: string };
}

/** The champion pointer: the version that serves, and the ones that served before (newest last). */
export interface ChampionPointer {
  version: string;
  promotedAt: string;
  reason: string;
  history: { version: string; promotedAt: string; reason: string }[];
}

/** What a card records of a model's history and derived inputs (the same shape as features' FeatureInputs). */
export interface CardFeatureInputs {
  history?: Readonly<Record<string, { lastK: number; windowMinutes: number }>>;
  clearSkyIndex?: Readonly<Record<string, readonly string[]>>;
  calendar?: { timeZone: string; weekday?: boolean; holidays?: readonly string[] };
  solarInputs?: boolean;
}
