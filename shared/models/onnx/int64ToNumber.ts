import type { onnx } from 'onnx-proto';

/** The int64 type protobufjs decodes into: a Long object when the `long` package is installed, else a number. */
type DecodedInt64 = NonNullable<onnx.IAttributeProto['i']>;

/** Reads a decoded int64 as a number; dims and counts are far below 2^53, where the conversion is exact. */
export function int64ToNumber(value: DecodedInt64): number {
  return typeof value === 'number' ? value : value.toNumber();
}
