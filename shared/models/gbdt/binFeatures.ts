import type { FeatureBins } from './FeatureBins';

/**
 * Buckets every feature into at most `maxBins` quantile bins. Split finding then scans bins instead of
 * sorted values, which is what makes training fast. Each edge lies strictly between two neighbouring
 * distinct training values and is a float32, so "bin <= k" during training and "x <= edge" in float32
 * at prediction (and in ONNX BRANCH_LEQ) send every training row the same way.
 */
export function binFeatures(X: Float32Array, rows: number, cols: number, maxBins: number): FeatureBins {
  const bins = new Uint8Array(rows * cols);
  const edges: Float32Array[] = [];
  const column = new Float32Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let r = 0; r < rows; r++) column[r] = X[r * cols + f] as number;
    const featureEdges = quantileEdges(column.slice().sort(), maxBins);
    edges.push(featureEdges);
    for (let r = 0; r < rows; r++) bins[r * cols + f] = binOf(featureEdges, column[r] as number);
  }
  return { rows, cols, bins, edges };
}

/** Edges between distinct sorted values so that each bin holds about rows / maxBins values. */
function quantileEdges(sorted: Float32Array, maxBins: number): Float32Array {
  const n = sorted.length;
  // A feature with few distinct values (a flag, a rounded sensor) gets one bin per value, however skewed.
  const everyValue = distinctCount(sorted) <= maxBins;
  const perBin = n / maxBins;
  const out: number[] = [];
  let nextCut = perBin;
  for (let i = 0; i < n - 1 && out.length < maxBins - 1; i++) {
    const a = sorted[i] as number;
    const b = sorted[i + 1] as number;
    if (a === b) continue;
    if (everyValue || i + 1 >= nextCut) {
      out.push(between(a, b));
      while (nextCut <= i + 1) nextCut += perBin;
    }
  }
  return Float32Array.from(out);
}

function distinctCount(sorted: Float32Array): number {
  let count = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) count++;
  return count;
}

/** A float32 t with a <= t < b (a < b both float32): the midpoint when it is strictly below b, else a. */
function between(a: number, b: number): number {
  const mid = Math.fround((a + b) / 2);
  return mid < b ? mid : a;
}

/** Number of edges strictly below x: the first k with x <= edges[k]. */
function binOf(edges: Float32Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
