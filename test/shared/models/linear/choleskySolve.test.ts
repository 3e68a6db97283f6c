import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrainingError } from '../../../../shared/models/gbdt/TrainingError';
import { choleskySolve } from '../../../../shared/models/linear/choleskySolve';

describe('choleskySolve', () => {
  it('solves a symmetric positive-definite system', () => {
    // A = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]] (the textbook L = [[2,0,0],[6,1,0],[-8,5,3]]).
    const A = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    const x = [1, -2, 0.5];
    const b = Float64Array.from([0, 1, 2].map((i) => x.reduce((s, xj, j) => s + (A[i * 3 + j] as number) * xj, 0)));
    const solved = choleskySolve(A, b, 3);
    solved.forEach((v, i) => assert.ok(Math.abs(v - (x[i] as number)) < 1e-12, `x[${i}] = ${v}`));
  });

  it('reads only the lower triangle', () => {
    const solved = choleskySolve(Float64Array.of(2, 999, 1, 2), Float64Array.of(3, 3), 2);
    solved.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-12, `${v}`));
  });

  const bad: { name: string; A: number[]; b: number[]; n: number; code: string }[] = [
    { name: 'a singular matrix', A: [1, 1, 1, 1], b: [1, 1], n: 2, code: 'SINGULAR_SYSTEM' },
    { name: 'an indefinite matrix', A: [1, 2, 2, 1], b: [1, 1], n: 2, code: 'SINGULAR_SYSTEM' },
    { name: 'a wrong size', A: [1, 0, 0], b: [1, 1], n: 2, code: 'INVALID_SHAPE' },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => choleskySolve(Float64Array.from(c.A), Float64Array.from(c.b), c.n),
        (e: unknown) => e instanceof TrainingError && e.code === c.code,
      );
    });
  }
});
