import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CardModel } from '../../../shared/registry/ModelCard';
import { promotionDecision } from '../../../shared/training/promotionDecision';
import type { Rows } from '../../../shared/training/rowsWhere';

const LEADS = [20, 40, 60];

/** `n` held-out rows, the first `daylight` of them with a non-zero target (the rest night, all zero). */
function heldOut(n: number, daylight: number): Rows {
  const Y = new Float32Array(n * LEADS.length);
  for (let r = 0; r < daylight; r++) Y.set([100, 0, 120], r * LEADS.length);
  return {
    keys: Array.from({ length: n }, (_, i) => `park-1|${i}`),
    X: new Float32Array(n),
    Y,
    persistence: new Float32Array(n * LEADS.length),
    cols: 1,
    leads: LEADS.length,
  };
}

function serving(skills: number[], rows: Rows): { card: CardModel; heldOut: Rows } {
  const perLead = skills.map((skill, i) => ({
    leadMinutes: LEADS[i] as number,
    rmse: 100,
    mae: 80,
    skill,
    n: rows.keys.length,
  }));
  return {
    card: {
      id: 'gbdt-all',
      kind: 'gbdt',
      file: 'm.onnx',
      sources: ['meter'],
      inputs: ['x'],
      heldOut: { perLead, meanRmse: 100 },
      sha256: '0'.repeat(64),
    },
    heldOut: rows,
  };
}

const noChampion = { champion: null, candidateRmse: [100, 100, 100], championRmse: null, beatsChampion: true };

test('a first version is promoted only with enough informative held-out rows and skill above 0 at every lead', () => {
  const cases: { name: string; skills: number[]; rows: Rows; promoted: boolean; reason: RegExp }[] = [
    {
      name: 'good and judged on enough daylight',
      skills: [0.3, 0.25, 0.2],
      rows: heldOut(144, 80),
      promoted: true,
      reason:
        /^no champion yet; gbdt-all beats persistence on every lead \(held-out skill \+20m 0\.300, \+40m 0\.250, \+60m 0\.200\)$/,
    },
    {
      name: 'mostly night: too few rows with a non-zero target',
      skills: [0.3, 0.25, 0.2],
      rows: heldOut(144, 30),
      promoted: false,
      reason:
        /too small to judge: 30 of its 144 rows have a non-zero target, at least 72 are needed \(minHeldOutRows\)/,
    },
    {
      name: 'worse than persistence at one lead',
      skills: [0.1, 0.05, -3.22],
      rows: heldOut(144, 80),
      promoted: false,
      reason:
        /gbdt-all does not beat persistence on every lead \(held-out skill \+20m 0\.100, \+40m 0\.0500, \+60m -3\.22\)/,
    },
    {
      name: 'no better than persistence',
      skills: [0, 0, 0],
      rows: heldOut(144, 80),
      promoted: false,
      reason: /does not beat persistence/,
    },
  ];
  for (const c of cases) {
    const d = promotionDecision(serving(c.skills, c.rows), noChampion, 72);
    assert.equal(d.promoted, c.promoted, `${c.name}: ${d.reason}`);
    assert.match(d.reason, c.reason, c.name);
  }
});

test('a challenger must beat persistence and the champion on every lead over the same rows', () => {
  const good = serving([0.3, 0.3, 0.3], heldOut(144, 80));
  assert.deepEqual(
    promotionDecision(
      good,
      { champion: 'v1', candidateRmse: [90, 95, 99], championRmse: [100, 100, 100], beatsChampion: true },
      72,
    ).promoted,
    true,
  );
  const worse = promotionDecision(
    good,
    { champion: 'v1', candidateRmse: [90, 101, 99], championRmse: [100, 100, 100], beatsChampion: false },
    72,
  );
  assert.equal(worse.promoted, false);
  assert.match(worse.reason, /does not beat v1 on every lead \(RMSE 90, 101, 99 vs 100, 100, 100\)/);
  // Beating a weak champion is not enough when persistence is better still.
  const belowPersistence = promotionDecision(
    serving([0.2, -0.1, 0.1], heldOut(144, 80)),
    { champion: 'v1', candidateRmse: [90, 95, 99], championRmse: [100, 100, 100], beatsChampion: true },
    72,
  );
  assert.equal(belowPersistence.promoted, false);
  assert.match(belowPersistence.reason, /does not beat persistence/);
});
