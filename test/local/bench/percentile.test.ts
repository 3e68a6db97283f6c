import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from '../../../local/bench/percentile';
import { summarizeLatency } from '../../../local/bench/summarizeLatency';

test('percentile: nearest rank, whatever the input order', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
  const cases: [readonly number[], number, number][] = [
    [[7], 50, 7],
    [[7], 99, 7],
    [[3, 1, 2], 0, 1],
    [[3, 1, 2], 50, 2],
    [[3, 1, 2], 100, 3],
    [[1, 2, 3, 4], 50, 2],
    [hundred, 50, 50],
    [hundred, 99, 99],
    [hundred, 100, 100],
    // Of 20 samples the p99 is the largest: nearest rank never invents a value between two samples.
    [Array.from({ length: 20 }, (_, i) => i + 1), 99, 20],
  ];
  for (const [values, p, expected] of cases)
    assert.equal(percentile(values, p), expected, `p${p} of [${values.slice(0, 5).join(', ')}...]`);
});

test('percentile: leaves its input alone and names bad arguments', () => {
  const values = [3, 1, 2];
  percentile(values, 50);
  assert.deepEqual(values, [3, 1, 2]);
  assert.throws(() => percentile([], 50), /no values/);
  assert.throws(() => percentile([1], 101), /got 101/);
  assert.throws(() => percentile([1], Number.NaN), /got NaN/);
});

test('summarizeLatency: p50, p99, mean, min, max rounded to 0.01 ms; bad samples are named', () => {
  assert.deepEqual(summarizeLatency([10, 30, 20, 40.004]), { n: 4, p50: 20, p99: 40, mean: 25, min: 10, max: 40 });
  assert.throws(() => summarizeLatency([1, -2]), /got -2/);
  assert.throws(() => summarizeLatency([1, Number.POSITIVE_INFINITY]), /got Infinity/);
  assert.throws(() => summarizeLatency([]), /no values/);
});
