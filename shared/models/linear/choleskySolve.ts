import { TrainingError } from '../gbdt/TrainingError';

/**
 * Solves A·x = b for a symmetric positive-definite n × n matrix A (row-major; only the lower triangle is
 * read) by Cholesky decomposition A = L·Lᵀ and two triangular solves. A pivot that vanishes relative to
 * the diagonal means A is singular to working precision, which the caller must hear about rather than
 * get coefficients of 1e15.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  if (A.length !== n * n || b.length !== n) {
    throw new TrainingError('INVALID_SHAPE', `choleskySolve: A has ${A.length} values and b ${b.length} for n = ${n}`);
  }
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(A[i * n + i] as number));
  const tolerance = maxDiagonal * n * Number.EPSILON;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = A[j * n + j] as number;
    for (let k = 0; k < j; k++) pivot -= (L[j * n + k] as number) ** 2;
    if (!(pivot > tolerance)) {
      throw new TrainingError(
        'SINGULAR_SYSTEM',
        `the system is not positive definite at column ${j} (pivot ${pivot}); columns are collinear, use alpha > 0`,
      );
    }
    const diagonal = Math.sqrt(pivot);
    L[j * n + j] = diagonal;
    for (let i = j + 1; i < n; i++) {
      let sum = A[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = sum / diagonal;
    }
  }
  // L·z = b, then Lᵀ·x = z.
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (L[i * n + k] as number) * (z[k] as number);
    z[i] = sum / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = sum / (L[i * n + i] as number);
  }
  return x;
}
