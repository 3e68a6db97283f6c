import { onnx } from 'onnx-proto';

/** Tensor element types the project's models use, mapped to ONNX TensorProto.DataType. */
export const ONNX_ELEMENT_TYPES = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  string: onnx.TensorProto.DataType.STRING,
} as const;

export type OnnxElementType = keyof typeof ONNX_ELEMENT_TYPES;
