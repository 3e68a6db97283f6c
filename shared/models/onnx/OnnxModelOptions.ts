/** Domain of the classical-ML operators (TreeEnsembleRegressor, LinearRegressor, ...). */
export const ML_DOMAIN = 'ai.onnx.ml';

/** Model-level settings of an ONNX file; the defaults match the onnx 1.12 release (IR 8, opset 17, ml 3). */
export interface OnnxModelOptions {
  /** ONNX IR version written to the file. */
  irVersion: number;
  /** Version of the default (`ai.onnx`) operator set. */
  opsetVersion: number;
  /** Version of `ai.onnx.ml` to import, or undefined to import none (nodes in that domain are then refused). */
  mlOpsetVersion: number | undefined;
  /** Who made the file: shows up in Netron and in ORT's session metadata. */
  producerName: string;
  /** Version of the producer, e.g. the code version that trained the model. */
  producerVersion: string;
  /** Name of the main graph. */
  graphName: string;
  /** Free text stored as the model's doc_string. */
  docString: string;
}

export const DEFAULT_ONNX_MODEL_OPTIONS: OnnxModelOptions = {
  irVersion: 8,
  opsetVersion: 17,
  mlOpsetVersion: undefined,
  producerName: 'stay-up-forecasting',
  producerVersion: '0.1.0',
  graphName: 'main',
  docString: '',
};
