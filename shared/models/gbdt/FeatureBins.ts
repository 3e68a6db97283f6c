/** The training matrix reduced to per-feature bin numbers, computed once and shared by every tree. */
export interface FeatureBins {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols row-major bin numbers: bin k holds x with edges[k-1] < x <= edges[k]. */
  readonly bins: Uint8Array;
  /** Per feature, ascending float32 split candidates; empty for a constant feature. */
  readonly edges: readonly Float32Array[];
}
