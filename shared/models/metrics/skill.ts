/**
 * Skill score 1 - rmseModel / rmseReference: 1 is perfect, 0 is no better than the reference (e.g.
 * persistence), negative is worse. NaN when either RMSE is NaN or negative, or the reference is 0 (a
 * perfect reference leaves nothing to improve on, and Infinity would rank a model falsely).
 */
export function skill(rmseModel: number, rmseReference: number): number {
  if (!(rmseModel >= 0) || !(rmseReference > 0) || !Number.isFinite(rmseReference)) return Number.NaN;
  return 1 - rmseModel / rmseReference;
}
