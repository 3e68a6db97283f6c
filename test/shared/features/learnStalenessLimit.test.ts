import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learnStalenessLimit } from '../../../shared/features/learnStalenessLimit';

const T0 = Date.parse('2026-06-01T00:00:00Z');
/** Live records every 10 minutes with the given delays (minutes). */
const records = (delays: number[]) =>
  delays.map((d, i) => ({ observedAt: T0 + i * 600_000, availableAt: T0 + i * 600_000 + d * 60_000 }));

test('a configured limit wins over anything learned', () => {
  assert.deepEqual(learnStalenessLimit(records([30, 30, 30]), 45), { minutes: 45, basis: 'configured', samples: 0 });
});

test('too few live records fall back to the default', () => {
  const l = learnStalenessLimit(records([30, 31, 32]), undefined);
  assert.equal(l.basis, 'default');
  assert.equal(l.minutes, 90);
});

test('learned from 20-40 minute delays: about median + 4 robust deviations + the 10-minute interval', () => {
  const delays = Array.from({ length: 144 }, (_, i) => 20 + ((i * 7) % 21));
  const l = learnStalenessLimit(records(delays), undefined);
  assert.equal(l.basis, 'learned');
  assert.equal(l.samples, 144);
  assert.ok(l.minutes > 55 && l.minutes < 80, `limit ${l.minutes}`);
});

test('a backlog delivered hours late after an outage does not stretch the limit', () => {
  const normal = Array.from({ length: 120 }, (_, i) => 20 + ((i * 7) % 21));
  const backlog = Array.from({ length: 24 }, (_, i) => 240 - i * 10);
  const before = learnStalenessLimit(records(normal), undefined).minutes;
  const after = learnStalenessLimit(records([...normal, ...backlog]), undefined).minutes;
  assert.ok(after - before < 10, `${before} -> ${after}`);
});

test('learned limits stay within bounds', () => {
  assert.equal(learnStalenessLimit(records(new Array(50).fill(1)), undefined).minutes, 15);
  assert.equal(learnStalenessLimit(records(new Array(50).fill(1000)), undefined).minutes, 360);
});
