import type { Tree } from './Tree';

/**
 * A trained ensemble for one target: prediction = baseScore + the sum of each tree's leaf value.
 * Leaf values already include the learning rate, so the model needs no hyper-parameters to predict.
 */
export interface GbdtModel {
  /** Starting prediction (the training mean of y), float32-representable. */
  baseScore: number;
  trees: Tree[];
  /** Width of the rows the model was trained on. */
  featureCount: number;
}
