import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beatsSmartPersistence, orderCandidates } from '../../../shared/predict/orderCandidates';
import type { ServingModel } from '../../../shared/predict/ServingModel';

const model = (id: string, kind: string, score: number, beats?: boolean, sources = ['camera']): ServingModel => ({
  id,
  kind,
  version: kind === 'gbdt' ? 'v1' : null,
  sources,
  featureNames: [],
  leadsMinutes: [20],
  score,
  ...(beats === undefined ? {} : { beatsSmartPersistence: beats }),
  model: {} as ServingModel['model'],
});

const smart = model('smart-persistence', 'smart-persistence', Infinity, undefined, ['meter']);
const plain = model('persistence', 'persistence', Infinity, undefined, ['meter']);

test('smart persistence goes ahead of the trained models that did not beat it; plain persistence stays last', () => {
  const trained = [model('b', 'gbdt', 2, false), model('a', 'gbdt', 1, true), model('c', 'gbdt', 3)];
  assert.deepEqual(
    orderCandidates(trained, [smart, plain]).map((m) => m.id),
    ['a', 'c', 'smart-persistence', 'b', 'persistence'],
  );
  // Without smart persistence (a target that is not solar) the order is the trained models', then persistence.
  assert.deepEqual(
    orderCandidates(trained, [plain]).map((m) => m.id),
    ['a', 'b', 'c', 'persistence'],
  );
});

test('with every source but the target stale, smart persistence serves: trained models on the target alone (or none) come after it', () => {
  const trained = [
    model('meter-only', 'gbdt', 1, true, ['meter']),
    model('none', 'linear', 5, true, []),
    model('meter+camera', 'gbdt', 2, true, ['meter', 'camera']),
  ];
  assert.deepEqual(
    orderCandidates(trained, [smart, plain]).map((m) => m.id),
    ['meter+camera', 'smart-persistence', 'meter-only', 'none', 'persistence'],
  );
});

test("a card's verdict: mean skill against smart persistence above 0; none without the figures", () => {
  const lead = (smartSkill?: number) => ({
    leadMinutes: 20,
    rmse: 1,
    mae: 1,
    skill: 0.1,
    n: 10,
    ...(smartSkill === undefined ? {} : { smartSkill }),
  });
  assert.equal(beatsSmartPersistence([lead(0.03), lead(-0.01)]), true);
  assert.equal(beatsSmartPersistence([lead(-0.03), lead(0.01)]), false);
  assert.equal(beatsSmartPersistence([lead(0)]), false);
  assert.equal(beatsSmartPersistence([lead(), lead()]), undefined);
});
