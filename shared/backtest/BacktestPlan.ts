import type { ForecastConfig } from '../config/ForecastConfig';
import type { ReplaySourceSpec } from '../replay/ReplaySpec';
import type { BacktestConfig, BacktestTrainingOptions } from './BacktestConfig';

/** One source's replay, with its file or folder resolved. */
export interface PlannedSource {
  id: string;
  kind: 'sensor' | 'image' | 'forecast';
  spec: ReplaySourceSpec;
  /** Absolute path of the CSV file or the image folder. */
  path: string;
  /** The path as the configuration wrote it (errors and the report name it so). */
  shownAs: string;
}

/** A validated backtest: everything runBacktest needs, cross-checked against the forecast configuration. */
export interface BacktestPlan {
  name: string;
  seed: number;
  /** The forecast configuration, reduced to the backtested site (models train on the sites they are given). */
  config: ForecastConfig;
  site: string;
  /** In the forecast configuration's order. */
  sources: PlannedSource[];
  train: { from: Date; to: Date };
  test: { from: Date; to: Date };
  training: BacktestTrainingOptions;
  /** Daylight scoring, resolved: the minimum sun elevation (degrees) of a daylight valid time, or null (all slots only). */
  daylight: { minSunElevationDeg: number } | null;
  /** Absolute. */
  outputDir: string;
  report: BacktestConfig['report'];
  /** With an absolute dir. */
  generate: BacktestConfig['generate'];
}
