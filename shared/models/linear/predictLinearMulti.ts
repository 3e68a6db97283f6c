import type { LinearModel } from './LinearModel';
import { predictLinear } from './predictLinear';

/**
 * Predicts every lead's model on the same rows: N × L row-major, column l from `perLead[l]`. This is the
 * TypeScript reference that the file from exportLinearOnnx must reproduce.
 */
export function predictLinearMulti(perLead: readonly LinearModel[], X: Float32Array, rows: number): Float32Array {
  const leads = perLead.length;
  const out = new Float32Array(rows * leads);
  perLead.forEach((model, lead) => {
    const column = predictLinear(model, X, rows);
    for (let r = 0; r < rows; r++) out[r * leads + lead] = column[r] as number;
  });
  return out;
}
