import { binFeatures } from './binFeatures';
import { EarlyStopping } from './EarlyStopping';
import { checkTrainingData } from './checkTrainingData';
import type { GbdtModel } from './GbdtModel';
import type { GbdtOptions } from './GbdtOptions';
import type { GrownTree } from './GrownTree';
import { resolveGbdtOptions } from './resolveGbdtOptions';
import { sampleIndices } from './sampleIndices';
import { seededRandom } from './seededRandom';
import type { Tree } from './Tree';
import { TreeGrower } from './TreeGrower';

/**
 * Trains gradient-boosted regression trees with squared-error loss on `rows` × `cols` row-major features.
 * Deterministic: the same data and options (including `seed`) give the same model. With
 * `options.validation`, training stops once `earlyStoppingRounds` trees in a row have not lowered the
 * validation MSE, and the model keeps the trees up to the best round (possibly none).
 */
export function trainGbdt(
  X: Float32Array,
  y: Float32Array,
  rows: number,
  cols: number,
  options: Partial<GbdtOptions> = {},
): GbdtModel {
  const opts = resolveGbdtOptions(options);
  checkTrainingData('training', X, y, rows, cols);
  const validation = opts.validation;
  if (validation !== undefined) checkTrainingData('validation', validation.X, validation.y, validation.rows, cols);

  const data = binFeatures(X, rows, cols, opts.maxBins);
  const grower = new TreeGrower(data, opts);
  const random = seededRandom(opts.seed);
  const sampleSize = Math.max(1, Math.round(opts.subsample * rows));
  const featureSample = Math.max(1, Math.round(opts.colsampleByTree * cols));

  let sum = 0;
  for (let r = 0; r < rows; r++) sum += y[r] as number;
  const baseScore = Math.fround(sum / rows);
  const prediction = new Float64Array(rows).fill(baseScore);
  const grad = new Float64Array(rows);
  const stopper =
    validation === undefined ? null : new EarlyStopping(validation, cols, baseScore, opts.earlyStoppingRounds);

  const everyRow = allIndices(rows);
  const everyFeature = allIndices(cols);
  const trees: Tree[] = [];
  for (let round = 0; round < opts.nEstimators; round++) {
    // Squared error: the gradient is the residual with its sign flipped, the hessian is 1 per row.
    for (let r = 0; r < rows; r++) grad[r] = (prediction[r] as number) - (y[r] as number);
    const sample = sampleSize === rows ? everyRow : sampleIndices(rows, sampleSize, random);
    const features = featureSample === cols ? everyFeature : sampleIndices(cols, featureSample, random);
    const grown = grower.grow(grad, sample, features);
    addToPrediction(grown, data.bins, cols, prediction);
    trees.push(grown.tree);
    if (stopper !== null && stopper.shouldStop(grown.tree, trees.length)) break;
  }
  if (stopper !== null) trees.length = stopper.bestTreeCount;
  return { baseScore, trees, featureCount: cols };
}

function allIndices(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

// Routes every training row (sampled or not) by its bins, which agree with the float thresholds on training data.
function addToPrediction(
  { tree, splitBin }: GrownTree,
  bins: Uint8Array,
  cols: number,
  prediction: Float64Array,
): void {
  const { feature, left, right, value } = tree;
  for (let r = 0; r < prediction.length; r++) {
    const rowBase = r * cols;
    let node = 0;
    while ((left[node] as number) >= 0) {
      const bin = bins[rowBase + (feature[node] as number)] as number;
      node = bin <= (splitBin[node] as number) ? (left[node] as number) : (right[node] as number);
    }
    prediction[r] = (prediction[r] as number) + (value[node] as number);
  }
}
