/** Held-out rows scored after every boosting round for early stopping; same layout as the training data. */
export interface GbdtValidationSet {
  /** rows × featureCount, row-major. */
  readonly X: Float32Array;
  /** One target per row. */
  readonly y: Float32Array;
  readonly rows: number;
}
