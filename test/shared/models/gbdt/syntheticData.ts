import { seededRandom } from '../../../../shared/models/gbdt/seededRandom';

/** A regression data set for tests: rows × cols row-major X and one target per row. */
export interface SyntheticData {
  X: Float32Array;
  y: Float32Array;
  rows: number;
  cols: number;
}

/**
 * y = 3·sin(6·x0 + phase) + (x1 > 0.5 ? 2 : 0) + noise, with X uniform in [0, 1); every third feature
 * from column 2 on is rounded to tenths so that ties and exact split values occur. Only exports: harmless
 * if node's test runner loads it.
 */
export function syntheticData(rows: number, cols: number, seed: number, noise = 0.1, phase = 0): SyntheticData {
  const random = seededRandom(seed);
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const u = random();
      X[r * cols + c] = c >= 2 && c % 3 === 2 ? Math.round(u * 10) / 10 : u;
    }
    const x0 = X[r * cols] as number;
    const x1 = cols > 1 ? (X[r * cols + 1] as number) : 0;
    y[r] = 3 * Math.sin(6 * x0 + phase) + (x1 > 0.5 ? 2 : 0) + noise * 2 * (random() - 0.5) * Math.sqrt(3);
  }
  return { X, y, rows, cols };
}

/** Population variance, the RMSE² of always predicting the mean. */
export function variance(values: Float32Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return sum / values.length;
}
