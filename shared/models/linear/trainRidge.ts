import { checkTrainingData } from '../gbdt/checkTrainingData';
import { TrainingError } from '../gbdt/TrainingError';
import { choleskySolve } from './choleskySolve';
import type { LinearModel } from './LinearModel';
import { DEFAULT_RIDGE_OPTIONS, type RidgeOptions } from './RidgeOptions';

/**
 * Fits ridge regression on `rows` × `cols` row-major features. Features are standardised with the
 * training mean and (population) standard deviation so that one alpha penalises every column alike;
 * the standardisation is folded back into the returned weights and bias, so the model takes raw features.
 * Constant columns get weight 0 (they carry nothing a bias does not).
 */
export function trainRidge(
  X: Float32Array,
  y: Float32Array,
  rows: number,
  cols: number,
  options: Partial<RidgeOptions> = {},
): LinearModel {
  const { alpha } = { ...DEFAULT_RIDGE_OPTIONS, ...options };
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new TrainingError('INVALID_OPTION', `alpha must be a finite number >= 0, got ${alpha}`);
  }
  checkTrainingData('training', X, y, rows, cols);

  const mean = new Float64Array(cols);
  let yMean = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) + (X[r * cols + c] as number);
    yMean += y[r] as number;
  }
  for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) / rows;
  yMean /= rows;

  const std = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      std[c] = (std[c] as number) + ((X[r * cols + c] as number) - (mean[c] as number)) ** 2;
    }
  }
  const active: number[] = [];
  for (let c = 0; c < cols; c++) {
    std[c] = Math.sqrt((std[c] as number) / rows);
    // Variation below float32 resolution of the column's level is rounding, not signal.
    if ((std[c] as number) > 1e-7 * Math.abs(mean[c] as number)) active.push(c);
  }

  const p = active.length;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const centred = new Float64Array(p);
  for (let r = 0; r < rows; r++) {
    const rowBase = r * cols;
    for (let j = 0; j < p; j++) {
      const c = active[j] as number;
      centred[j] = ((X[rowBase + c] as number) - (mean[c] as number)) / (std[c] as number);
    }
    const yc = (y[r] as number) - yMean;
    // Lower triangle only: choleskySolve reads no more.
    for (let j = 0; j < p; j++) {
      const v = centred[j] as number;
      rhs[j] = (rhs[j] as number) + v * yc;
      const rowJ = j * p;
      for (let k = 0; k <= j; k++) gram[rowJ + k] = (gram[rowJ + k] as number) + v * (centred[k] as number);
    }
  }
  for (let j = 0; j < p; j++) gram[j * p + j] = (gram[j * p + j] as number) + alpha;
  const beta = p === 0 ? new Float64Array(0) : choleskySolve(gram, rhs, p);

  const weights = new Array<number>(cols).fill(0);
  const center = new Array<number>(cols).fill(0);
  active.forEach((c, j) => {
    weights[c] = (beta[j] as number) / (std[c] as number);
    // float32 so that the ONNX Sub and this model subtract exactly the same number.
    center[c] = Math.fround(mean[c] as number);
  });
  // The bias absorbs the difference between the exact and the float32 means.
  let bias = yMean;
  active.forEach((c) => {
    bias += (weights[c] as number) * ((center[c] as number) - (mean[c] as number));
  });
  return { weights, bias, center };
}
