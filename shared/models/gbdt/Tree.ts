/**
 * One regression tree as parallel arrays indexed by node id (node 0 is the root), plain data so a model
 * survives JSON.stringify/parse unchanged. A node is a leaf when `left[i] === -1`.
 * Split semantics are ONNX BRANCH_LEQ: a row goes left when `x[feature[i]] <= threshold[i]` in float32.
 */
export interface Tree {
  /** Feature index tested at each split node; -1 at leaves. */
  feature: number[];
  /** Split threshold, always a float32-representable number; 0 at leaves. */
  threshold: number[];
  /** Node id of the left (x <= threshold) child; -1 at leaves. */
  left: number[];
  /** Node id of the right (x > threshold) child; -1 at leaves. */
  right: number[];
  /** Leaf output, already multiplied by the learning rate and float32-representable; 0 at split nodes. */
  value: number[];
}
