import * as assert from 'node:assert/strict';

/** Float32 results from onnxruntime against plain-JS expectations, within a float32-sized tolerance. */
export function assertClose(actual: Float32Array, expected: readonly number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} != ${expected.length}`);
  expected.forEach((e, i) => {
    const a = actual[i] ?? Number.NaN;
    assert.ok(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)), `[${i}]: got ${a}, expected ${e}`);
  });
}
