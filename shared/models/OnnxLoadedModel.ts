import * as ort from 'onnxruntime-node';
import { ModelError } from './ModelError';
import { errorMessage } from './errorMessage';
import type { LoadedModel } from './ModelRuntime';

/** What OnnxModelRuntime learned from the model file before creating the session. */
export interface OnnxModelSignature {
  readonly inputName: string;
  readonly outputName: string;
  /** Features per row declared by the model, or null when the file leaves it symbolic. */
  readonly width: number | null;
  readonly metadata: Record<string, string>;
}

/** One onnxruntime session behind the LoadedModel port; created by OnnxModelRuntime.load. */
export class OnnxLoadedModel implements LoadedModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly metadata: Record<string, string>;
  private released = false;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly signature: OnnxModelSignature,
  ) {
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.metadata = { ...signature.metadata };
  }

  async predict(features: Float32Array, rows: number): Promise<Float32Array> {
    if (this.released) throw new ModelError('MODEL_RELEASED', `model ${this.label()} was released`);
    if (!Number.isSafeInteger(rows) || rows < 0) {
      throw new ModelError('INVALID_ROWS', `rows must be a non-negative integer, got ${rows}`);
    }
    const width = this.checkWidth(features.length, rows);
    if (rows === 0) return new Float32Array(0);
    const input = new ort.Tensor('float32', features, [rows, width]);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run({ [this.signature.inputName]: input });
    } catch (error) {
      throw new ModelError('INFERENCE_FAILED', `model ${this.label()} failed on ${rows} rows: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    const output = results[this.signature.outputName];
    if (output === undefined || output.type !== 'float32' || output.dims[0] !== rows) {
      const got = output === undefined ? 'nothing' : `${output.type} [${output.dims.join(', ')}]`;
      throw new ModelError(
        'INFERENCE_FAILED',
        `model ${this.label()}: output "${this.signature.outputName}" should be float32 [${rows}, L], got ${got}`,
      );
    }
    return output.data as Float32Array;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }

  // Checked here because onnxruntime's own message for a wrong shape names neither the model nor the counts.
  private checkWidth(values: number, rows: number): number {
    const expected = this.signature.width;
    if (expected !== null) {
      if (values !== rows * expected) {
        const got = rows > 0 && values % rows === 0 ? `${values / rows} per row` : 'not a whole number per row';
        throw new ModelError(
          'INPUT_WIDTH_MISMATCH',
          `model ${this.label()} expects ${expected} features per row (${rows} rows = ${rows * expected} values), ` +
            `got ${values} values (${got})`,
        );
      }
      return expected;
    }
    if (rows === 0 ? values !== 0 : values % rows !== 0) {
      throw new ModelError(
        'INPUT_WIDTH_MISMATCH',
        `model ${this.label()}: ${values} values do not split into ${rows} rows of equal width`,
      );
    }
    return rows === 0 ? 0 : values / rows;
  }

  private label(): string {
    return `"${this.signature.metadata['model_id'] ?? 'without model_id'}"`;
  }
}
