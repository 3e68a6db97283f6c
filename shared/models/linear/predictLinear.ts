import { checkTrainingData } from '../gbdt/checkTrainingData';
import { TrainingError } from '../gbdt/TrainingError';
import type { LinearModel } from './LinearModel';

/**
 * Predicts `rows` rows (row-major, one column per weight). Uses the float32 weights and bias the ONNX file
 * carries and sums in double, so it differs from onnxruntime's float32 MatMul only by its rounding.
 */
export function predictLinear(model: LinearModel, X: Float32Array, rows: number): Float32Array {
  const cols = model.weights.length;
  if (cols === 0) throw new TrainingError('INVALID_MODEL', 'the linear model has no weights');
  if (rows === 0 && X.length === 0) return new Float32Array(0);
  checkTrainingData('prediction', X, undefined, rows, cols);
  const weights = Float32Array.from(model.weights);
  const bias = Math.fround(model.bias);
  const center = Float32Array.from(model.center ?? new Array<number>(cols).fill(0));
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const rowBase = r * cols;
    let sum = 0;
    // Math.fround: onnxruntime subtracts in float32 before the MatMul.
    for (let c = 0; c < cols; c++)
      sum += Math.fround((X[rowBase + c] as number) - (center[c] as number)) * (weights[c] as number);
    out[r] = sum + bias;
  }
  return out;
}
