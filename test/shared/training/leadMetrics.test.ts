import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leadMetrics } from '../../../shared/training/leadMetrics';

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
  assert.equal(m.smartPersistenceRmse, Math.round(Math.sqrt((1 + 4) / 2) * 10_000) / 10_000);
  const onSmartRows = Math.sqrt((0.25 + 1) / 2);
  assert.equal(m.smartSkill, Math.round((1 - onSmartRows / Math.sqrt(2.5)) * 10_000) / 10_000);
  const [without] = leadMetrics(predictions, { ...rows, smartPersistence: undefined }, [20]);
  assert.equal(without?.smartSkill, undefined);
  assert.equal(without?.smartPersistenceRmse, undefined);
  assert.equal(without?.skill, m.skill);
});
