/** What a number that is not finite (NaN, no data) reads as in a table or a console line. */
export const NOT_A_NUMBER = '-';

/**
 * `x` with `digits` significant digits, for a reader: 0.000444, 0.444, 522, 1230 (a metric reads the same whatever
 * the target's magnitude). Trailing zeros stay (5.00, 0.300: the precision shown is the same for every number);
 * zero is '0'; NaN and infinities are NOT_A_NUMBER. Plain decimals from 1e-9 to below 1e15, exponent notation beyond.
 */
export function significant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return NOT_A_NUMBER;
  if (x === 0) return '0';
  const p = Math.max(1, Math.min(21, Math.round(digits)));
  const exponential = x.toExponential(p - 1); // e.g. '1.23e+3', '-4.44e-4'
  const exponent = Number(exponential.slice(exponential.indexOf('e') + 1));
  if (exponent < -9 || exponent >= 15) return x.toPrecision(p);
  const rounded = Number(exponential);
  // The double nearest to the rounded decimal, printed with that decimal's places, prints that decimal exactly.
  return exponent >= p - 1 ? rounded.toFixed(0) : rounded.toFixed(p - 1 - exponent);
}

/** `x` rounded to `digits` significant digits, as a number (stored metrics); NaN, infinities and 0 unchanged. */
export function roundSignificant(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(Math.max(1, Math.min(21, Math.round(digits)))));
}
