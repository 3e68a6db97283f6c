import { checkGbdtModel } from './checkGbdtModel';
import { checkTrainingData } from './checkTrainingData';
import type { GbdtModel } from './GbdtModel';
import { treeLeaf } from './treeLeaf';

/**
 * Predicts `rows` rows (row-major, featureCount wide). Sums leaves in float32 in tree order and adds the
 * base score last, as onnxruntime's TreeEnsembleRegressor does, so the exported model matches bit for bit
 * or within a float32 rounding.
 */
export function predictGbdt(model: GbdtModel, X: Float32Array, rows: number): Float32Array {
  checkGbdtModel(model);
  const cols = model.featureCount;
  if (rows === 0 && X.length === 0) return new Float32Array(0);
  checkTrainingData('prediction', X, undefined, rows, cols);
  const out = new Float32Array(rows);
  const { trees, baseScore } = model;
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    let sum = 0;
    for (const tree of trees) sum = Math.fround(sum + (tree.value[treeLeaf(tree, X, offset)] as number));
    out[r] = sum + baseScore;
  }
  return out;
}
