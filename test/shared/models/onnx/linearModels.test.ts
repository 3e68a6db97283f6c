import { describe, it } from 'node:test';
import { OnnxModelRuntime } from '../../../../shared/models/OnnxModelRuntime';
import { OnnxModelBuilder } from '../../../../shared/models/onnx/OnnxModelBuilder';
import { attr } from '../../../../shared/models/onnx/attr';
import { assertClose } from './assertClose';

const X = [
  [1, 2, 3],
  [0, -1, 0.5],
  [10, 0, -4],
];
// W is [F=3, L=2]; the linear forecast is X·W + b.
const W = [
  [1, 0],
  [2, 1],
  [0, -1],
];
const B = [0.5, -0.5];

function linear(x: number[], scale = 1, biasScale = 1): number[] {
  return B.map((b, j) => scale * x.reduce((sum, xi, i) => sum + xi * (W[i]?.[j] ?? 0), 0) + biasScale * b);
}

async function run(bytes: Uint8Array, rows: number[][]): Promise<Float32Array> {
  const model = await new OnnxModelRuntime().load(bytes);
  try {
    return await model.predict(Float32Array.from(rows.flat()), rows.length);
  } finally {
    await model.release();
  }
}

describe('OnnxModelBuilder: linear models in onnxruntime-node', () => {
  it('computes MatMul + Add', async () => {
    const bytes = new OnnxModelBuilder()
      .input('features', 'float', ['N', 3])
      .floatInitializer('W', [3, 2], W.flat())
      .floatInitializer('b', [2], B)
      .node('MatMul', ['features', 'W'], ['xw'])
      .node('Add', ['xw', 'b'], ['forecast'])
      .output('forecast', 'float', ['N', 2])
      .toBytes();
    assertClose(
      await run(bytes, X),
      X.flatMap((x) => linear(x)),
    );
  });

  it('computes Gemm with float alpha/beta and int transB attributes', async () => {
    const wTransposed = [0, 1].flatMap((j) => W.map((row) => row[j] ?? 0));
    const bytes = new OnnxModelBuilder()
      .input('features', 'float', ['N', 3])
      .floatInitializer('Wt', [2, 3], wTransposed)
      .floatInitializer('b', [2], B)
      .node('Gemm', ['features', 'Wt', 'b'], ['forecast'], {
        alpha: attr.float(2),
        beta: attr.float(0.25),
        transB: attr.int(1),
      })
      .output('forecast', 'float', ['N', 2])
      .toBytes();
    assertClose(
      await run(bytes, X),
      X.flatMap((x) => linear(x, 2, 0.25)),
    );
  });

  it('writes int64 initializers exactly, including INT64_MAX as a Slice end', async () => {
    const bytes = new OnnxModelBuilder()
      .input('features', 'float', ['N', 3])
      .int64Initializer('starts', [1], [1])
      .int64Initializer('ends', [1], [2n ** 63n - 1n])
      .int64Initializer('axes', [1], [1])
      .node('Slice', ['features', 'starts', 'ends', 'axes'], ['forecast'])
      .output('forecast', 'float', ['N', 2])
      .toBytes();
    assertClose(
      await run(bytes, X),
      X.flatMap((x) => x.slice(1)),
    );
  });
});
