import type { GbdtModel } from './GbdtModel';
import { predictGbdt } from './predictGbdt';

/**
 * Predicts every lead's model on the same rows: N × L row-major, column l from `perLead[l]`. This is the
 * TypeScript reference that the file from exportGbdtOnnx must reproduce.
 */
export function predictGbdtMulti(perLead: readonly GbdtModel[], X: Float32Array, rows: number): Float32Array {
  const leads = perLead.length;
  const out = new Float32Array(rows * leads);
  perLead.forEach((model, lead) => {
    const column = predictGbdt(model, X, rows);
    for (let r = 0; r < rows; r++) out[r * leads + lead] = column[r] as number;
  });
  return out;
}
