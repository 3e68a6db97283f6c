import type { Tree } from './Tree';

/**
 * The leaf a row reaches: left when x <= threshold, as ONNX BRANCH_LEQ does. X holds float32 values and
 * thresholds are float32-representable, so this double comparison is exactly the float32 one.
 */
export function treeLeaf(tree: Tree, X: Float32Array, rowOffset: number): number {
  const { feature, threshold, left, right } = tree;
  let node = 0;
  let next = left[0] as number;
  while (next >= 0) {
    const x = X[rowOffset + (feature[node] as number)] as number;
    node = x <= (threshold[node] as number) ? next : (right[node] as number);
    next = left[node] as number;
  }
  return node;
}
