import { onnx } from 'onnx-proto';
import { OnnxBuildError } from './OnnxBuildError';
import { ONNX_ELEMENT_TYPES, type OnnxElementType } from './OnnxElementType';
import { DEFAULT_ONNX_MODEL_OPTIONS, ML_DOMAIN, type OnnxModelOptions } from './OnnxModelOptions';
import type { OnnxAttribute } from './OnnxAttribute';
import { toAttributeProto } from './toAttributeProto';
import { toTensorProto } from './toTensorProto';

/** A dimension: a fixed size, or a symbolic name such as `N` for the batch. */
export type OnnxDim = number | string;

/** Optional parts of a node. */
export interface OnnxNodeOptions {
  /** Node name; defaults to `<opType>_<index>` so every node is named in error messages from the runtime. */
  name?: string;
  /** Operator domain; '' (the default) is `ai.onnx`. */
  domain?: string;
}

/**
 * Builds one ONNX model graph in topological order and checks it as it goes, so a wiring mistake fails
 * here with the tensor's name instead of as an opaque load error in onnxruntime.
 */
export class OnnxModelBuilder {
  private readonly options: OnnxModelOptions;
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly metadata = new Map<string, string>();
  /** Every tensor name defined so far (inputs, initializers, node outputs). */
  private readonly defined = new Set<string>();

  constructor(options: Partial<OnnxModelOptions> = {}) {
    this.options = { ...DEFAULT_ONNX_MODEL_OPTIONS, ...options };
  }

  /** Declares a graph input. */
  input(name: string, elemType: OnnxElementType, shape: readonly OnnxDim[]): this {
    this.define(name);
    this.inputs.push(valueInfo(name, elemType, shape));
    return this;
  }

  /** Declares a graph output; it must be produced by an input, initializer or node by the time of `toBytes`. */
  output(name: string, elemType: OnnxElementType, shape: readonly OnnxDim[]): this {
    if (this.outputs.some((o) => o.name === name)) {
      throw new OnnxBuildError('DUPLICATE_NAME', `output "${name}" is declared twice`);
    }
    this.outputs.push(valueInfo(name, elemType, shape));
    return this;
  }

  /** Adds a float32 constant tensor. */
  floatInitializer(name: string, dims: readonly number[], values: ArrayLike<number>): this {
    const tensor = toTensorProto(name, dims, { type: 'float', values });
    this.define(name);
    this.initializers.push(tensor);
    return this;
  }

  /** Adds an int64 constant tensor (indices, shapes, repeats). */
  int64Initializer(name: string, dims: readonly number[], values: ArrayLike<number | bigint>): this {
    const tensor = toTensorProto(name, dims, { type: 'int64', values });
    this.define(name);
    this.initializers.push(tensor);
    return this;
  }

  /** Adds a node; its inputs must already be defined ('' marks an omitted optional input). */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
    options: OnnxNodeOptions = {},
  ): this {
    const domain = options.domain ?? '';
    const name = options.name ?? `${opType}_${this.nodes.length}`;
    if (domain === ML_DOMAIN && this.options.mlOpsetVersion === undefined) {
      throw new OnnxBuildError('MISSING_OPSET', `node "${name}" is in ${ML_DOMAIN}, but mlOpsetVersion is not set`);
    }
    if (domain !== '' && domain !== 'ai.onnx' && domain !== ML_DOMAIN) {
      throw new OnnxBuildError('MISSING_OPSET', `node "${name}": no opset is imported for domain "${domain}"`);
    }
    for (const input of inputs) {
      if (input !== '' && !this.defined.has(input)) {
        throw new OnnxBuildError('UNKNOWN_TENSOR', `node "${name}" reads "${input}", which is not defined before it`);
      }
    }
    if (outputs.length === 0) {
      throw new OnnxBuildError('BAD_SHAPE', `node "${name}" has no outputs`);
    }
    for (const output of outputs) this.define(output);
    this.nodes.push({
      name,
      opType,
      domain,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([key, value]) => toAttributeProto(key, value)),
    });
    return this;
  }

  /** Sets a metadata_props entry (model id, kind, feature names, ...); a later call for the same key wins. */
  meta(key: string, value: string): this {
    this.metadata.set(key, value);
    return this;
  }

  /** The model message, for callers that want to inspect it before encoding. */
  toProto(): onnx.ModelProto {
    if (this.outputs.length === 0) {
      throw new OnnxBuildError('EMPTY_GRAPH', 'the graph declares no outputs');
    }
    for (const output of this.outputs) {
      if (!this.defined.has(output.name ?? '')) {
        throw new OnnxBuildError('UNKNOWN_TENSOR', `output "${output.name}" is not produced by any node`);
      }
    }
    const { irVersion, opsetVersion, mlOpsetVersion, producerName, producerVersion, graphName, docString } =
      this.options;
    const opsetImport: onnx.IOperatorSetIdProto[] = [{ domain: '', version: opsetVersion }];
    if (mlOpsetVersion !== undefined) opsetImport.push({ domain: ML_DOMAIN, version: mlOpsetVersion });
    return onnx.ModelProto.create({
      irVersion,
      opsetImport,
      producerName,
      producerVersion,
      docString,
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: [...this.metadata].map(([key, value]) => ({ key, value })),
    });
  }

  /** The serialized model, ready for `InferenceSession.create` or a blob upload. */
  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.toProto()).finish();
  }

  private define(name: string): void {
    if (name === '') throw new OnnxBuildError('BAD_VALUE', 'tensor names must not be empty');
    if (this.defined.has(name)) {
      throw new OnnxBuildError('DUPLICATE_NAME', `tensor "${name}" is defined twice`);
    }
    this.defined.add(name);
  }
}

function valueInfo(name: string, elemType: OnnxElementType, shape: readonly OnnxDim[]): onnx.IValueInfoProto {
  const dim = shape.map((d): onnx.TensorShapeProto.IDimension => {
    if (typeof d === 'string') return { dimParam: d };
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new OnnxBuildError('BAD_SHAPE', `"${name}": dimension ${d} is not a non-negative integer`);
    }
    return { dimValue: d };
  });
  return { name, type: { tensorType: { elemType: ONNX_ELEMENT_TYPES[elemType], shape: { dim } } } };
}
