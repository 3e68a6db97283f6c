import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOT_A_NUMBER, roundSignificant, significant } from '../../../shared/util/significant';

test('significant: three significant digits whatever the magnitude, no exponent for ordinary numbers', () => {
  const cases: [number, string][] = [
    [0.000444, '0.000444'],
    [0.00044449, '0.000444'],
    [0.4444, '0.444'],
    [0.44451, '0.445'],
    [522.04, '522'],
    [1234.5, '1230'],
    [772.7, '773'],
    [-0.0123, '-0.0123'],
    [-0.05832, '-0.0583'],
    [5, '5.00'],
    [0.3, '0.300'],
    [999.7, '1000'],
    [0.09996, '0.100'],
    [123456789, '123000000'],
    [1.5e-8, '0.0000000150'],
    [2.5e-12, '2.50e-12'],
    [3e16, '3.00e+16'],
    [0, '0'],
    [-0, '0'],
    [Number.NaN, NOT_A_NUMBER],
    [Number.POSITIVE_INFINITY, NOT_A_NUMBER],
    [Number.NEGATIVE_INFINITY, NOT_A_NUMBER],
  ];
  for (const [x, expected] of cases) assert.equal(significant(x), expected, String(x));
  assert.equal(NOT_A_NUMBER, '-');
});

test('significant: other digit counts', () => {
  const cases: [number, number, string][] = [
    [0.000444, 1, '0.0004'],
    [1234.5, 2, '1200'],
    [1234.5, 4, '1235'],
    [1234.5, 6, '1234.50'],
    [0.123456789, 6, '0.123457'],
  ];
  for (const [x, digits, expected] of cases) assert.equal(significant(x, digits), expected, `${x} (${digits})`);
});

test('roundSignificant: six significant digits as a number (stored metrics keep small magnitudes)', () => {
  const cases: [number, number][] = [
    [0.001234567, 0.00123457],
    [772.712345, 772.712],
    [0.325123456, 0.325123],
    [-0.0000123456789, -0.0000123457],
    [123456789, 123457000],
    [0, 0],
  ];
  for (const [x, expected] of cases) assert.equal(roundSignificant(x), expected, String(x));
  assert.ok(Number.isNaN(roundSignificant(Number.NaN)));
  assert.equal(roundSignificant(0.123456, 3), 0.123);
});
