import { onnx } from 'onnx-proto';
import { int64ToNumber } from './int64ToNumber';

/** A graph input or output as declared in the file: dims are numbers, symbolic names, or null when unknown. */
export interface OnnxValueDescription {
  readonly name: string;
  /** TensorProto.DataType number; 0 when the value is not a tensor. */
  readonly elemType: number;
  readonly dims: readonly (number | string | null)[] | null;
}

/** What the runtime needs to know about a model before running it. */
export interface OnnxModelDescription {
  readonly metadata: Record<string, string>;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly inputs: readonly OnnxValueDescription[];
  readonly outputs: readonly OnnxValueDescription[];
}

/**
 * Decodes the parts of a model file that onnxruntime-node does not expose (custom metadata_props, declared
 * shapes). Throws protobufjs' own error on bytes that are not a ModelProto; the caller maps it.
 */
export function describeOnnxModel(bytes: Uint8Array): OnnxModelDescription {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  // Before IR 4, initializers were also listed as graph inputs; they are not inputs a caller feeds.
  const initializerNames = new Set((graph?.initializer ?? []).map((t) => t.name));
  const metadata: Record<string, string> = {};
  for (const entry of model.metadataProps) metadata[entry.key ?? ''] = entry.value ?? '';
  return {
    metadata,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    inputs: (graph?.input ?? []).filter((v) => !initializerNames.has(v.name ?? '')).map(describeValue),
    outputs: (graph?.output ?? []).map(describeValue),
  };
}

function describeValue(value: onnx.IValueInfoProto): OnnxValueDescription {
  const tensor = value.type?.tensorType;
  const dims = tensor?.shape?.dim?.map(dimOf);
  return { name: value.name ?? '', elemType: tensor?.elemType ?? 0, dims: dims ?? null };
}

// dim_value and dim_param are a proto oneof, decoded as null when not set; an unset dim is unknown, not 0.
function dimOf(d: onnx.TensorShapeProto.IDimension): number | string | null {
  if (d.dimParam !== undefined && d.dimParam !== null && d.dimParam !== '') return d.dimParam;
  if (d.dimValue !== undefined && d.dimValue !== null) return int64ToNumber(d.dimValue);
  return null;
}
