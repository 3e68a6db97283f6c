import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { agedDataset } from '../../../shared/training/agedDataset';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';

const MIN = 60_000;
const T0 = Date.parse('2026-05-01T00:00:00Z');
const SOURCES = ['meter', 'cam', 'wind'];

/** A source's history: a random subset of a 10-minute grid, each readable 0-300 min later (so often out of order). */
const sourceHistory = fc
  .array(
    fc.record({
      slot: fc.integer({ min: 0, max: 120 }),
      delayMin: fc.oneof(fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 300 })),
      value: fc.integer({ min: -1000, max: 1000 }),
    }),
    { maxLength: 80 },
  )
  .map((items) => {
    const bySlot = new Map<number, HistoryRecord>();
    for (const it of items) {
      const observedAt = T0 + it.slot * 10 * MIN;
      bySlot.set(it.slot, {
        observedAt,
        availableAt: observedAt + it.delayMin * MIN + (it.value % 3) * 1000,
        values: { v: it.value },
      });
    }
    return [...bySlot.values()];
  });

const scenario = fc.record({
  histories: fc.tuple(sourceHistory, sourceHistory, sourceHistory),
  fromMin: fc.integer({ min: 0, max: 600 }),
  spanMin: fc.integer({ min: 0, max: 600 }),
  cadenceMinutes: fc.constantFrom(5, 10, 30),
  leadsMinutes: fc.constantFrom([10], [10, 20], [20, 40, 60]),
  sourceCount: fc.integer({ min: 0, max: 3 }),
  limits: fc.tuple(
    fc.integer({ min: 10, max: 120 }),
    fc.integer({ min: 10, max: 120 }),
    fc.integer({ min: 10, max: 120 }),
  ),
  copiesPerSlot: fc.constantFrom(0.5, 1, 2),
  seed: fc.integer(),
});

test('property: rows aged by synthetic outages never use an input with availableAt (or observedAt) after issueTime, and each is the newest one usable at some time <= issueTime', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const sources = SOURCES.slice(0, s.sourceCount);
      const history = new Map(SOURCES.map((id, i) => [id, s.histories[i] as HistoryRecord[]]));
      const spec: FeatureSpec = {
        sources,
        fields: Object.fromEntries(sources.map((id) => [id, ['v']])),
        leadsMinutes: s.leadsMinutes,
        latitude: 55.68,
        longitude: 12.57,
      };
      const from = T0 + s.fromMin * MIN;
      const options = {
        spec,
        target: { source: 'meter', field: 'v' },
        history,
        from: new Date(from),
        to: new Date(from + s.spanMin * MIN),
        cadenceMinutes: s.cadenceMinutes,
        stalenessLimitMinutes: Object.fromEntries(SOURCES.map((id, i) => [id, s.limits[i] as number])),
        site: 'p',
        aging: { copiesPerSlot: s.copiesPerSlot, seed: s.seed },
      };
      const d = agedDataset(options);
      const F = d.featureNames.length;
      assert.equal(Object.values(d.dropped).reduce((a, b) => a + b, 0) + d.issueTimes.length, d.slots);
      d.issueTimes.forEach((t, r) => {
        for (const id of sources) {
          const used = d.used[id];
          assert.ok(used);
          const availableAt = used.availableAt[r] as number;
          const observedAt = used.observedAt[r] as number;
          assert.ok(
            availableAt <= t,
            `${id} available ${new Date(availableAt).toISOString()} after ${new Date(t).toISOString()}`,
          );
          assert.ok(observedAt <= t, `${id} observed after issueTime`);
          // No record usable by then is newer: the as-of rule at the (possibly earlier) outage start.
          const record = (history.get(id) as HistoryRecord[]).find((x) => x.observedAt === observedAt);
          assert.ok(record && record.availableAt === availableAt);
          assert.equal(d.X[r * F + d.featureNames.indexOf(`${id}.age_min`)], Math.fround((t - observedAt) / MIN));
        }
        const p = d.persistenceUsed.availableAt[r] as number;
        assert.ok(Number.isNaN(p) || p <= t, 'persistence used a value not yet available');
      });
      // Seeded: the same options give the same rows.
      assert.deepEqual(agedDataset(options).X, d.X);
    }),
    { numRuns: 150 },
  );
});

test('an outage ages the input: with the meter down since well before issueTime, its newest usable value is older than its limit', () => {
  // The meter every 10 minutes, available 20 minutes later; a day of it.
  const meter: HistoryRecord[] = [];
  for (let k = 0; k < 144; k++)
    meter.push({ observedAt: T0 + k * 10 * MIN, availableAt: T0 + k * 10 * MIN + 20 * MIN, values: { v: k } });
  const d = agedDataset({
    spec: { sources: ['meter'], fields: { meter: ['v'] }, leadsMinutes: [10], latitude: 55.68, longitude: 12.57 },
    target: { source: 'meter', field: 'v' },
    history: new Map([['meter', meter]]),
    from: new Date(T0 + 6 * 60 * MIN),
    to: new Date(T0 + 20 * 60 * MIN),
    cadenceMinutes: 10,
    stalenessLimitMinutes: { meter: 40 },
    site: 'p',
    aging: { copiesPerSlot: 1, minRatio: 2, maxRatio: 8 },
  });
  const age = d.featureNames.indexOf('meter.age_min');
  assert.ok(d.issueTimes.length > 50);
  d.issueTimes.forEach((t, r) => {
    const a = d.X[r * d.featureNames.length + age] as number;
    // At least 2 limits (80 min) before issueTime the outage began, and the newest value then was 20+ min old.
    assert.ok(a >= 80 + 20 && a <= 8 * 40 + 30, `age ${a} at ${new Date(t).toISOString()}`);
    assert.equal(d.persistence[r], d.X[r * d.featureNames.length + d.featureNames.indexOf('meter.v')]);
  });
});
