import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bias } from '../../../../shared/models/metrics/bias';
import { mae } from '../../../../shared/models/metrics/mae';
import { MetricsError } from '../../../../shared/models/metrics/MetricsError';
import { rmse } from '../../../../shared/models/metrics/rmse';
import { skill } from '../../../../shared/models/metrics/skill';

const NaN_ = Number.NaN;

describe('rmse, mae and bias', () => {
  const cases: {
    name: string;
    forecast: ArrayLike<number>;
    observed: ArrayLike<number>;
    rmse: number;
    mae: number;
    bias: number;
    count: number;
  }[] = [
    { name: 'a perfect forecast', forecast: [1, 2, 3], observed: [1, 2, 3], rmse: 0, mae: 0, bias: 0, count: 3 },
    { name: 'a constant over-forecast', forecast: [2, 3, 4], observed: [1, 2, 3], rmse: 1, mae: 1, bias: 1, count: 3 },
    {
      name: 'errors of +3 and -4',
      forecast: [3, -4],
      observed: [0, 0],
      rmse: Math.sqrt(12.5),
      mae: 3.5,
      bias: -0.5,
      count: 2,
    },
    {
      name: 'NaN on either side drops the pair from every metric',
      forecast: [NaN_, 1, 5, 2],
      observed: [0, NaN_, 3, 2],
      rmse: Math.sqrt(2),
      mae: 1,
      bias: 1,
      count: 2,
    },
    { name: 'no usable pair', forecast: [NaN_, 1], observed: [1, NaN_], rmse: NaN_, mae: NaN_, bias: NaN_, count: 0 },
    { name: 'empty arrays', forecast: [], observed: [], rmse: NaN_, mae: NaN_, bias: NaN_, count: 0 },
    {
      name: 'typed arrays',
      forecast: Float32Array.of(0.5, 1.5),
      observed: Float64Array.of(1, 1),
      rmse: 0.5,
      mae: 0.5,
      bias: 0,
      count: 2,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const results = {
        rmse: rmse(c.forecast, c.observed),
        mae: mae(c.forecast, c.observed),
        bias: bias(c.forecast, c.observed),
      };
      for (const [name, result] of Object.entries(results)) {
        const expected = c[name as keyof typeof results];
        assert.equal(result.count, c.count, `${name} count`);
        if (Number.isNaN(expected)) assert.ok(Number.isNaN(result.value), `${name} should be NaN, got ${result.value}`);
        else assert.ok(Math.abs(result.value - expected) < 1e-12, `${name}: ${result.value} vs ${expected}`);
      }
    });
  }

  it('refuses arrays of different lengths', () => {
    for (const metric of [rmse, mae, bias]) {
      assert.throws(
        () => metric([1, 2], [1]),
        (e: unknown) =>
          e instanceof MetricsError && e.code === 'LENGTH_MISMATCH' && /2 forecasts but 1 observations/.test(e.message),
      );
    }
  });
});

describe('skill', () => {
  const cases: { name: string; model: number; reference: number; expected: number }[] = [
    { name: 'perfect model', model: 0, reference: 2, expected: 1 },
    { name: 'as good as the reference', model: 2, reference: 2, expected: 0 },
    { name: '25% better', model: 1.5, reference: 2, expected: 0.25 },
    { name: 'worse than the reference', model: 3, reference: 2, expected: -0.5 },
    { name: 'a perfect reference leaves skill undefined', model: 1, reference: 0, expected: NaN_ },
    { name: 'a NaN model RMSE', model: NaN_, reference: 1, expected: NaN_ },
    { name: 'a NaN reference RMSE', model: 1, reference: NaN_, expected: NaN_ },
    { name: 'a negative RMSE is not an RMSE', model: -1, reference: 1, expected: NaN_ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = skill(c.model, c.reference);
      if (Number.isNaN(c.expected)) assert.ok(Number.isNaN(s), `expected NaN, got ${s}`);
      else assert.equal(s, c.expected);
    });
  }
});
