/** 0 below 0, 1 above 1, a smooth S in between: soft edges without kinks. */
export function smoothstep(z: number): number {
  if (z <= 0) return 0;
  if (z >= 1) return 1;
  return z * z * (3 - 2 * z);
}
