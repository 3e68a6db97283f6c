import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { ModelError } from './ModelError';
import { errorMessage } from './errorMessage';
import type { LoadedModel, ModelRuntime } from './ModelRuntime';
import { OnnxLoadedModel, type OnnxModelSignature } from './OnnxLoadedModel';
import { DEFAULT_ONNX_MODEL_RUNTIME_OPTIONS, type OnnxModelRuntimeOptions } from './OnnxModelRuntimeOptions';
import { describeOnnxModel, type OnnxModelDescription } from './onnx/describeOnnxModel';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** ModelRuntime over onnxruntime-node on the CPU. Each `load` creates one session, reused by every predict. */
export class OnnxModelRuntime implements ModelRuntime {
  private readonly options: OnnxModelRuntimeOptions;

  constructor(options: Partial<OnnxModelRuntimeOptions> = {}) {
    this.options = { ...DEFAULT_ONNX_MODEL_RUNTIME_OPTIONS, ...options };
  }

  async load(bytes: Uint8Array): Promise<LoadedModel> {
    const signature = signatureOf(bytes);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: this.options.graphOptimizationLevel,
        intraOpNumThreads: this.options.intraOpNumThreads,
      });
    } catch (error) {
      throw new ModelError(
        'INVALID_MODEL_BYTES',
        `onnxruntime cannot load model ${label(signature.metadata)} (${bytes.length} bytes): ${errorMessage(error)}`,
        { cause: error },
      );
    }
    return new OnnxLoadedModel(session, signature);
  }
}

// Checked before creating a session, so an unsupported model costs no native resources.
function signatureOf(bytes: Uint8Array): OnnxModelSignature {
  let model: OnnxModelDescription;
  try {
    model = describeOnnxModel(bytes);
  } catch (error) {
    throw new ModelError('INVALID_MODEL_BYTES', `${bytes.length} bytes are not an ONNX model: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const { inputs, outputs, metadata } = model;
  if (inputs.length === 0 && outputs.length === 0) {
    throw new ModelError('INVALID_MODEL_BYTES', `${bytes.length} bytes decode to an ONNX model without a graph`);
  }
  const [input] = inputs;
  const [output] = outputs;
  if (input === undefined || output === undefined || inputs.length !== 1 || outputs.length !== 1) {
    throw new ModelError(
      'UNSUPPORTED_MODEL',
      `model ${label(metadata)} has inputs [${inputs.map((v) => v.name).join(', ')}] and outputs ` +
        `[${outputs.map((v) => v.name).join(', ')}]; exactly one of each is supported`,
    );
  }
  if (input.elemType !== FLOAT || output.elemType !== FLOAT) {
    throw new ModelError('UNSUPPORTED_MODEL', `model ${label(metadata)}: input and output must be float32 tensors`);
  }
  if (input.dims !== null && input.dims.length !== 2) {
    throw new ModelError(
      'UNSUPPORTED_MODEL',
      `model ${label(metadata)}: input "${input.name}" has rank ${input.dims.length}, expected [N, F]`,
    );
  }
  const width = input.dims?.[1];
  return {
    inputName: input.name,
    outputName: output.name,
    width: typeof width === 'number' ? width : null,
    metadata,
  };
}

function label(metadata: Record<string, string>): string {
  return `"${metadata['model_id'] ?? 'without model_id'}"`;
}
