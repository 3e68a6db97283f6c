/** A model ready to predict; it holds one inference session that every call reuses. */
export interface LoadedModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The model file's metadata_props, e.g. `model_id`, `kind`, `feature_names`, `leads_minutes`. */
  readonly metadata: Record<string, string>;
  /** rows: N×F row-major float32 features; resolves to N×L row-major forecasts. */
  predict(features: Float32Array, rows: number): Promise<Float32Array>;
  /** Frees the native session; later predictions fail with MODEL_RELEASED. */
  release(): Promise<void>;
}

/** Port to whatever executes model files. Load once per model version, not once per request. */
export interface ModelRuntime {
  load(bytes: Uint8Array): Promise<LoadedModel>;
}
