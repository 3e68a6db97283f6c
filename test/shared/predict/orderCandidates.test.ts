import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderCandidates } from '../../../shared/predict/orderCandidates';
import type { ServingModel } from '../../../shared/predict/ServingModel';

const model = (id: string, kind: string, score: number, sources: string[]): ServingModel => ({
  id,
  kind,
  version: kind === 'gbdt' || kind === 'linear' ? 'v1' : null,
  sources,
  featureNames: [],
  leadsMinutes: [20],
  score,
  model: {} as ServingModel['model'],
});

const smart = model('smart-persistence', 'smart-persistence', Infinity, ['meter']);
const plain = model('persistence', 'persistence', Infinity, ['meter']);
const trained = [
  model('meter-only', 'gbdt', 1, ['meter']),
  model('none', 'linear', 5, []),
  model('meter+camera', 'gbdt', 3, ['meter', 'camera']),
  model('camera', 'gbdt', 2, ['camera']),
];

test('with every source but the target stale, smart persistence serves: trained models on the target alone (or none) come after it', () => {
  assert.deepEqual(
    orderCandidates(trained, [smart, plain]).map((m) => m.id),
    ['camera', 'meter+camera', 'smart-persistence', 'meter-only', 'none', 'persistence'],
  );
});

test('without smart persistence (a target that is not solar) the order is the trained models best first, then persistence', () => {
  assert.deepEqual(
    orderCandidates(trained, [plain]).map((m) => m.id),
    ['meter-only', 'camera', 'meter+camera', 'none', 'persistence'],
  );
});
