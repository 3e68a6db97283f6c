/** A number with `digits` significant digits, without exponent notation for ordinary magnitudes; `–` when not finite. */
export function significant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  return String(Number(x.toPrecision(digits)));
}
