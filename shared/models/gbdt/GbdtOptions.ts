import type { GbdtValidationSet } from './GbdtValidationSet';

/** Hyper-parameters of gradient-boosted regression trees (squared-error loss). */
export interface GbdtOptions {
  /** Boosting rounds: the most trees the model gets (early stopping may keep fewer). */
  nEstimators: number;
  /** Shrinkage of every tree's leaves; smaller learns slower but generalises better. */
  learningRate: number;
  /** Deepest split level; depth 4 gives at most 16 leaves per tree. */
  maxDepth: number;
  /** Fewest (subsampled) training rows a leaf may hold. */
  minSamplesLeaf: number;
  /** Share of rows each tree is fitted on, drawn without replacement from `seed`; 1 uses every row. */
  subsample: number;
  /** Share of features each tree may split on, drawn from `seed`; 1 uses every feature. */
  colsampleByTree: number;
  /** Most histogram bins per feature (2..256); edges are per-feature quantiles computed once per training. */
  maxBins: number;
  /** L2 penalty on leaf values (XGBoost's lambda): pulls leaves with few rows toward 0. */
  lambda: number;
  /** Seed of the row and column sampling: the same data and options give the same model. */
  seed: number;
  /** Held-out rows scored after every tree; undefined trains all `nEstimators` trees. */
  validation: GbdtValidationSet | undefined;
  /** With `validation`: stop after this many trees without a lower validation MSE and keep the best prefix. */
  earlyStoppingRounds: number;
}

export const DEFAULT_GBDT_OPTIONS: GbdtOptions = {
  nEstimators: 200,
  learningRate: 0.05,
  maxDepth: 4,
  minSamplesLeaf: 10,
  subsample: 0.8,
  colsampleByTree: 1.0,
  maxBins: 64,
  lambda: 1.0,
  seed: 42,
  validation: undefined,
  earlyStoppingRounds: 20,
};
