import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leadMetrics } from '../../../shared/training/leadMetrics';
import { roundSignificant } from '../../../shared/util/significant';

test('leadMetrics: with smart persistence on the rows, its RMSE and the skill against it; without, neither', () => {
  const rows = {
    keys: ['a', 'b', 'c'],
    X: new Float32Array(0),
    Y: Float32Array.from([10, 20, 30]),
    persistence: Float32Array.from([12, 24, 36]),
    smartPersistence: Float32Array.from([11, 22, Number.NaN]),
    cols: 0,
    leads: 1,
  };
  const predictions = Float32Array.from([10.5, 19, 33]);
  const [m] = leadMetrics(predictions, rows, [20]);
  assert.ok(m);
  // Smart persistence had values for rows a and b only: the model is judged on those two.
  assert.equal(m.smartPersistenceRmse, roundSignificant(Math.sqrt((1 + 4) / 2), 6));
  const onSmartRows = Math.sqrt((0.25 + 1) / 2);
  assert.equal(m.smartSkill, roundSignificant(1 - onSmartRows / Math.sqrt(2.5), 6));
  const [without] = leadMetrics(predictions, { ...rows, smartPersistence: undefined }, [20]);
  assert.equal(without?.smartSkill, undefined);
  assert.equal(without?.smartPersistenceRmse, undefined);
  assert.equal(without?.skill, m.skill);
});

test('leadMetrics: stored with six significant digits, so a target of about 0.00123 units keeps its digits', () => {
  const rows = {
    keys: ['a', 'b'],
    X: new Float32Array(0),
    Y: Float32Array.from([0.00123, 0.00125]),
    persistence: Float32Array.from([0.0011, 0.00131]),
    cols: 0,
    leads: 1,
  };
  const predictions = Float32Array.from([0.00121, 0.00127]);
  const [m] = leadMetrics(predictions, rows, [20]);
  assert.ok(m);
  // Errors of 2e-5: four decimals would store 0.
  assert.ok(m.rmse > 1.9e-5 && m.rmse < 2.1e-5, String(m.rmse));
  assert.equal(m.rmse, Number(m.rmse.toPrecision(6)));
  assert.ok(m.mae > 0 && m.skill > 0.75 && m.skill < 0.85, JSON.stringify(m));
});
