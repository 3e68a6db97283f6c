import { onnx } from 'onnx-proto';
import { OnnxBuildError } from './OnnxBuildError';

/** Values of an initializer: float32 or int64 (bigint allowed so INT64_MAX, e.g. an open Slice end, is exact). */
export type InitializerValues =
  | { readonly type: 'float'; readonly values: ArrayLike<number> }
  | { readonly type: 'int64'; readonly values: ArrayLike<number | bigint> };

/**
 * Encodes an initializer as little-endian raw_data, as exporters do: compact, exact for int64 beyond 2^53
 * (no protobufjs Long involved) and independent of the host's byte order.
 */
export function toTensorProto(name: string, dims: readonly number[], init: InitializerValues): onnx.ITensorProto {
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new OnnxBuildError('BAD_SHAPE', `initializer "${name}": dimension ${d} is not a non-negative integer`);
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (init.values.length !== count) {
    throw new OnnxBuildError(
      'BAD_SHAPE',
      `initializer "${name}": shape [${dims.join(', ')}] needs ${count} values, got ${init.values.length}`,
    );
  }
  const bytes = new Uint8Array(count * (init.type === 'float' ? 4 : 8));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) {
    const v = init.values[i] as number | bigint;
    if (init.type === 'float') {
      view.setFloat32(i * 4, Number(v), true);
    } else {
      view.setBigInt64(i * 8, toInt64(name, v), true);
    }
  }
  const dataType = init.type === 'float' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
  return { name, dims: [...dims], dataType, rawData: bytes };
}

function toInt64(name: string, v: number | bigint): bigint {
  if (typeof v === 'bigint') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) {
      throw new OnnxBuildError('BAD_VALUE', `initializer "${name}": ${v} does not fit in int64`);
    }
    return v;
  }
  if (!Number.isSafeInteger(v)) {
    throw new OnnxBuildError('BAD_VALUE', `initializer "${name}": ${v} is not a safe integer (pass a bigint)`);
  }
  return BigInt(v);
}
