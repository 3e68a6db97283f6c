import { DEFAULT_GBDT_OPTIONS, type GbdtOptions } from './GbdtOptions';
import { TrainingError } from './TrainingError';

/** Merges options over the defaults and checks every range once, naming the bad option and value. */
export function resolveGbdtOptions(options: Partial<GbdtOptions>): GbdtOptions {
  const o: GbdtOptions = { ...DEFAULT_GBDT_OPTIONS, ...options };
  integer('nEstimators', o.nEstimators, 1, 1_000_000);
  range('learningRate', o.learningRate, 0, 1, false);
  integer('maxDepth', o.maxDepth, 1, 30);
  integer('minSamplesLeaf', o.minSamplesLeaf, 1, Number.MAX_SAFE_INTEGER);
  range('subsample', o.subsample, 0, 1, false);
  range('colsampleByTree', o.colsampleByTree, 0, 1, false);
  // Bins are stored as bytes, which is what keeps the binned matrix small and the histogram loop fast.
  integer('maxBins', o.maxBins, 2, 256);
  range('lambda', o.lambda, 0, Number.MAX_VALUE, true);
  integer('seed', o.seed, -(2 ** 31), 2 ** 32 - 1);
  integer('earlyStoppingRounds', o.earlyStoppingRounds, 1, Number.MAX_SAFE_INTEGER);
  return o;
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TrainingError('INVALID_OPTION', `${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

// Open at the bottom unless `minInclusive`, closed at the top: a learning rate or sample share of 0 learns nothing.
function range(name: string, value: number, min: number, max: number, minInclusive: boolean): void {
  const aboveMin = minInclusive ? value >= min : value > min;
  if (!Number.isFinite(value) || !aboveMin || value > max) {
    throw new TrainingError(
      'INVALID_OPTION',
      `${name} must be in ${minInclusive ? '[' : '('}${min}, ${max}], got ${value}`,
    );
  }
}
