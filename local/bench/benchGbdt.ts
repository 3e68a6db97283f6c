import { seededRandom } from '../../shared/models/gbdt/seededRandom';
import { trainGbdt } from '../../shared/models/gbdt/trainGbdt';
import { predictGbdt } from '../../shared/models/gbdt/predictGbdt';

/** What one benchmark run measured. */
export interface GbdtBenchResult {
  rows: number;
  cols: number;
  trees: number;
  trainSeconds: number;
  trainRowsPerSecond: number;
  predictSeconds: number;
}

/**
 * Times training at the size the design targets (20,000 rows × 40 features × 200 trees of depth 4) on
 * synthetic data. Run: `node dist/local/bench/benchGbdt.js [rows] [cols] [trees]`.
 */
export function benchGbdt(rows = 20_000, cols = 40, trees = 200): GbdtBenchResult {
  const random = seededRandom(7);
  const X = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) X[r * cols + c] = random();
    const x0 = X[r * cols] as number;
    const x1 = X[r * cols + 1] as number;
    y[r] = 3 * Math.sin(6 * x0) + (x1 > 0.5 ? 2 : 0) + 0.3 * (random() - 0.5);
  }
  const start = process.hrtime.bigint();
  const model = trainGbdt(X, y, rows, cols, { nEstimators: trees, maxDepth: 4 });
  const trained = process.hrtime.bigint();
  predictGbdt(model, X, rows);
  const predicted = process.hrtime.bigint();
  const trainSeconds = Number(trained - start) / 1e9;
  return {
    rows,
    cols,
    trees: model.trees.length,
    trainSeconds,
    trainRowsPerSecond: rows / trainSeconds,
    predictSeconds: Number(predicted - trained) / 1e9,
  };
}

if (require.main === module) {
  const [rows, cols, trees] = process.argv.slice(2).map(Number);
  const result = benchGbdt(rows, cols, trees);
  console.log(
    `gbdt: ${result.rows} rows × ${result.cols} features × ${result.trees} trees (depth 4): ` +
      `train ${result.trainSeconds.toFixed(2)} s (${Math.round(result.trainRowsPerSecond)} rows/s), ` +
      `predict ${(result.predictSeconds * 1000).toFixed(0)} ms`,
  );
}
