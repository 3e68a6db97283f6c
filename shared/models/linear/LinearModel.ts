/**
 * A linear forecast in the original feature units: prediction = bias + Σ weights[j] · (x[j] - center[j]).
 * Centring on the training means keeps every term near the target's scale, so float32 inference (ONNX) does not
 * lose digits to cancellation between large terms (pressure in hPa times a weight, say).
 */
export interface LinearModel {
  /** Per-column offset subtracted before weighting (the training means); absent means zeros. */
  center?: number[];
  /** One weight per feature column; 0 for a column that was constant in training. */
  weights: number[];
  bias: number;
}
