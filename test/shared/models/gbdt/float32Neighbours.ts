const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The next float32 above x (x a finite float32 other than the largest): the first value BRANCH_LEQ sends right. */
export function nextFloat32Up(x: number): number {
  f32[0] = x;
  if (x === 0) return 1.401298464324817e-45;
  bits[0] = (bits[0] as number) + (x > 0 ? 1 : -1);
  return f32[0] as number;
}
