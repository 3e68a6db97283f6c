import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFirstModel } from '../../local/trainFirstModel';
import type { LeadMetrics, ModelCard } from '../../shared/registry/ModelCard';
import type { TrainReport } from '../../shared/training/trainAndPublish';

function report(perLead: LeadMetrics[], promoted: boolean): TrainReport {
  const card = {
    version: 'v1',
    serving: 'gbdt-all',
    models: [{ id: 'gbdt-all', heldOut: { perLead, meanRmse: 1 } }],
  } as unknown as ModelCard;
  return { card, promoted, reason: promoted ? 'beats persistence' : 'too few rows' };
}

const lead = (leadMinutes: number, skill: number, smartSkill?: number): LeadMetrics => ({
  leadMinutes,
  rmse: 100,
  mae: 80,
  skill,
  n: 200,
  ...(smartSkill === undefined ? {} : { smartPersistenceRmse: 110, smartSkill }),
});

test('describeFirstModel (npm start): the held-out skill against persistence and, for a solar target, smart persistence', () => {
  assert.equal(
    describeFirstModel(report([lead(20, 0.214, 0.052), lead(40, 0.3, -0.011)], true)),
    'model version v1: 1 models kept, serving gbdt-all (held-out skill vs persistence +20m 0.214, +40m 0.300; ' +
      'vs smart persistence +20m 0.0520, +40m -0.0110); promoted: predict uses it from its next run',
  );
  assert.equal(
    describeFirstModel(report([lead(20, 0.214)], false)),
    'model version v1: 1 models kept, serving gbdt-all (held-out skill vs persistence +20m 0.214); ' +
      'not promoted: too few rows; persistence keeps serving',
  );
  assert.match(describeFirstModel(report([lead(20, 0.2, 0.1)], false)), /; smart persistence keeps serving$/);
});
