/** Who wrote a model file and with which operator sets; model cards record it next to the metrics. */
export interface ExporterInfo {
  readonly name: string;
  /** Bumped whenever the graph layout or metadata of exported files changes. */
  readonly version: string;
  readonly opset: { readonly 'ai.onnx': number; readonly 'ai.onnx.ml': number };
}

/** The exporters in this project: producer name of every file, and the opsets they import. */
export const EXPORTER_INFO: ExporterInfo = {
  name: 'stay-up-forecasting',
  version: '1.1.0',
  opset: { 'ai.onnx': 17, 'ai.onnx.ml': 3 },
};
