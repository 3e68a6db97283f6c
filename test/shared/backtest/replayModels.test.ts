import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delayMinutes } from '../../../shared/replay/delayMinutes';
import { outageWindows } from '../../../shared/replay/outageWindows';
import { replayAvailability } from '../../../shared/replay/replayAvailability';
import { delayModelSchema, type DelayModelSpec, outageModelSchema } from '../../../shared/replay/ReplaySpec';
import { seededUnit } from '../../../shared/replay/seededUnit';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const observations = Array.from({ length: 2000 }, (_, i) => ({
  observedAt: T0 + i * 10 * MINUTE_MS,
  values: { v: i },
}));

const delay = (d: unknown): DelayModelSpec => delayModelSchema.parse(d);

test('delayMinutes: fixed, uniform within its range, a list draws only its values, quantiles interpolate between their points', () => {
  assert.equal(delayMinutes(delay({ kind: 'fixed', minutes: 30 }), 0.77), 30);
  const uniform = delay({ kind: 'uniform', minMinutes: 20, maxMinutes: 40 });
  assert.equal(delayMinutes(uniform, 0), 20);
  assert.equal(delayMinutes(uniform, 0.5), 30);
  assert.ok(delayMinutes(uniform, 0.999999) < 40);
  const list = delay({ kind: 'empirical', minutes: [22, 31, 45] });
  assert.deepEqual(
    [0, 0.34, 0.67, 0.999].map((u) => delayMinutes(list, u)),
    [22, 31, 45, 45],
  );
  const q = delay({
    kind: 'empirical',
    quantiles: [
      { p: 0, minutes: 10 },
      { p: 0.5, minutes: 30 },
      { p: 0.9, minutes: 40 },
      { p: 1, minutes: 100 },
    ],
  });
  assert.deepEqual(
    [0, 0.25, 0.5, 0.7, 0.9, 0.95, 1].map((u) => Math.round(delayMinutes(q, u) * 1e9) / 1e9),
    [10, 20, 30, 35, 40, 70, 100],
  );
});

test('replayAvailability: seeded, so the same seed gives the same delays, another seed others; every delay within the model bounds', () => {
  const uniform = delay({ kind: 'uniform', minMinutes: 20, maxMinutes: 40 });
  const a = replayAvailability(observations, uniform, [], [1, 'meter']);
  const b = replayAvailability(observations, uniform, [], [1, 'meter']);
  const c = replayAvailability(observations, uniform, [], [2, 'meter']);
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    a.map((r) => r.availableAt),
    c.map((r) => r.availableAt),
  );
  const delays = a.map((r) => (r.availableAt - r.observedAt) / MINUTE_MS);
  assert.ok(
    delays.every((d) => d >= 20 && d <= 40),
    `${Math.min(...delays)}..${Math.max(...delays)}`,
  );
  // Spread over the range, not stuck at one end: the mean of 2000 uniform draws is near the middle.
  const mean = delays.reduce((s, d) => s + d, 0) / delays.length;
  assert.ok(Math.abs(mean - 30) < 1, `mean ${mean}`);
  // Keyed by observation: dropping records does not change the others' delays.
  const fewer = replayAvailability(
    observations.filter((_, i) => i % 2 === 0),
    uniform,
    [],
    [1, 'meter'],
  );
  assert.deepEqual(
    fewer,
    a.filter((_, i) => i % 2 === 0),
  );
  const u = Array.from({ length: 1000 }, (_, i) => seededUnit([9, i]));
  assert.ok(u.every((x) => x >= 0 && x < 1));
});

test('outageWindows: random windows are reproducible, inside the period, apart, within the duration range, and about as many as the rate says', () => {
  const model = outageModelSchema.parse({
    kind: 'random',
    ratePerDay: 0.5,
    minDurationMinutes: 60,
    maxDurationMinutes: 360,
  });
  const to = T0 + 400 * DAY_MS;
  const w = outageWindows(model, T0, to, [1, 'meter', 'outages']);
  assert.deepEqual(outageWindows(model, T0, to, [1, 'meter', 'outages']), w);
  assert.notDeepEqual(outageWindows(model, T0, to, [2, 'meter', 'outages']), w);
  assert.ok(w.length > 160 && w.length < 240, `${w.length} outages in 400 days at 0.5 a day`);
  w.forEach((x, i) => {
    assert.ok(x.from >= T0 && x.to <= to, `window ${i} inside the period`);
    const minutes = (x.to - x.from) / MINUTE_MS;
    assert.ok(minutes >= 60 && minutes <= 360, `window ${i}: ${minutes} min`);
    const prev = w[i - 1];
    assert.ok(!prev || x.from >= prev.to, `window ${i} starts after the previous one ends`);
  });
  assert.deepEqual(outageWindows(outageModelSchema.parse({ kind: 'none' }), T0, to, [1]), []);
  const listed = outageModelSchema.parse({
    kind: 'windows',
    windows: [{ from: '2026-06-02T12:00:00Z', to: '2026-06-02T14:00:00+00:00' }],
  });
  assert.deepEqual(outageWindows(listed, T0, to, [1]), [
    { from: Date.parse('2026-06-02T12:00:00Z'), to: Date.parse('2026-06-02T14:00:00Z') },
  ]);
});

test('replayAvailability: a record due during an outage arrives when it ends (backlog delivered) or never (lost); the others are untouched', () => {
  const fixed = delay({ kind: 'fixed', minutes: 30 });
  const outage = { from: T0 + 120 * MINUTE_MS, to: T0 + 180 * MINUTE_MS };
  const normal = replayAvailability(observations.slice(0, 30), fixed, [], [1, 's']);
  const delivered = replayAvailability(observations.slice(0, 30), fixed, [outage], [1, 's'], 'delivered');
  const lost = replayAvailability(observations.slice(0, 30), fixed, [outage], [1, 's'], 'lost');
  const due = (r: { availableAt: number }): boolean => r.availableAt >= outage.from && r.availableAt < outage.to;
  assert.equal(normal.filter(due).length, 6);
  delivered.forEach((r, i) =>
    assert.equal(r.availableAt, due(normal[i] as { availableAt: number }) ? outage.to : normal[i]?.availableAt),
  );
  assert.deepEqual(
    lost,
    normal.filter((r) => !due(r)),
  );
});
