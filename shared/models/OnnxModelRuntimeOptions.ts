/** Session settings for onnxruntime-node. */
export interface OnnxModelRuntimeOptions {
  /** Threads per operator; 1 because a Functions instance runs several invocations side by side. */
  intraOpNumThreads: number;
  /** Graph rewrites onnxruntime applies once, when the session is created. */
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

export const DEFAULT_ONNX_MODEL_RUNTIME_OPTIONS: OnnxModelRuntimeOptions = {
  intraOpNumThreads: 1,
  graphOptimizationLevel: 'all',
};
