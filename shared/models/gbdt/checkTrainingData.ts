import { TrainingError } from './TrainingError';

/**
 * Checks a row-major design matrix and its target before any work is done, so a bad value fails with its
 * position instead of silently poisoning every split or coefficient. `label` says which set ("training",
 * "validation") the message is about. Pass `y` undefined to check features alone (prediction).
 */
export function checkTrainingData(
  label: string,
  X: Float32Array,
  y: Float32Array | undefined,
  rows: number,
  cols: number,
): void {
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new TrainingError('INVALID_SHAPE', `${label}: rows must be a positive integer, got ${rows}`);
  }
  if (!Number.isSafeInteger(cols) || cols < 1) {
    throw new TrainingError('INVALID_SHAPE', `${label}: cols must be a positive integer, got ${cols}`);
  }
  if (X.length !== rows * cols) {
    throw new TrainingError(
      'INVALID_SHAPE',
      `${label}: X has ${X.length} values, expected rows × cols = ${rows} × ${cols} = ${rows * cols}`,
    );
  }
  if (y !== undefined && y.length !== rows) {
    throw new TrainingError('INVALID_SHAPE', `${label}: y has ${y.length} values, expected one per row (${rows})`);
  }
  for (let i = 0; i < X.length; i++) {
    const v = X[i] as number;
    // v - v is 0 for finite numbers and NaN for NaN and +-Infinity: one comparison on the hot path.
    if (v - v !== 0) {
      throw new TrainingError(
        'NON_FINITE_VALUE',
        `${label}: X has ${v} at row ${Math.floor(i / cols)}, column ${i % cols}`,
      );
    }
  }
  if (y === undefined) return;
  for (let r = 0; r < rows; r++) {
    const v = y[r] as number;
    if (v - v !== 0) throw new TrainingError('NON_FINITE_VALUE', `${label}: y has ${v} at row ${r}`);
  }
}
