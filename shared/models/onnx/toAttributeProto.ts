import { onnx } from 'onnx-proto';
import { OnnxBuildError } from './OnnxBuildError';
import type { OnnxAttribute } from './OnnxAttribute';

const AttributeType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

/** Encodes one attribute, setting `type` explicitly because ONNX runtimes dispatch on it, not on which field is set. */
export function toAttributeProto(name: string, attribute: OnnxAttribute): onnx.IAttributeProto {
  switch (attribute.type) {
    case 'int':
      return { name, type: AttributeType.INT, i: checkedInt(name, attribute.value) };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attribute.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8.encode(attribute.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: attribute.value.map((v) => checkedInt(name, v)) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...attribute.value] };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: attribute.value.map((v) => utf8.encode(v)) };
  }
}

// A JS number outside the safe range has already lost digits, so the int64 on the wire would be silently wrong.
function checkedInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new OnnxBuildError('BAD_VALUE', `attribute "${name}": ${value} is not a safe integer`);
  }
  return value;
}
