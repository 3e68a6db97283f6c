import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildDataset } from '../../../shared/training/buildDataset';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';

const MIN = 60_000;
const T0 = Date.parse('2026-05-01T00:00:00Z');
const SOURCES = ['meter', 'cam', 'wind'];

/** A source's history: a random subset of a 10-minute grid, each readable 0-300 min later (so often out of order). */
const sourceHistory = fc
  .array(
    fc.record({
      slot: fc.integer({ min: 0, max: 60 }),
      delayMin: fc.oneof(fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 300 })),
      value: fc.integer({ min: -1000, max: 1000 }),
    }),
    { maxLength: 50 },
  )
  .map((items) => {
    const bySlot = new Map<number, HistoryRecord>();
    for (const it of items) {
      const observedAt = T0 + it.slot * 10 * MIN;
      // A few seconds off the minute, so ties between availableAt and issueTime are not the only case.
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
  fromMin: fc.integer({ min: -60, max: 600 }),
  spanMin: fc.integer({ min: 0, max: 600 }),
  cadenceMinutes: fc.constantFrom(5, 10, 15, 30),
  leadsMinutes: fc.constantFrom([10], [10, 20], [20, 40, 60]),
  sourceCount: fc.integer({ min: 0, max: 3 }),
});

/** Straight from the definition, no sweep: among records with availableAt <= t (and observedAt <= t), the newest by observedAt. */
function newestAvailable(records: readonly HistoryRecord[], t: number): HistoryRecord | undefined {
  let best: HistoryRecord | undefined;
  for (const r of records)
    if (r.availableAt <= t && r.observedAt <= t && (!best || r.observedAt > best.observedAt)) best = r;
  return best;
}

test('property: every input used has availableAt <= issueTime and is the newest-by-observedAt one available', () => {
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
      const d = buildDataset({
        spec,
        target: { source: 'meter', field: 'v' },
        history,
        from: new Date(from),
        to: new Date(from + s.spanMin * MIN),
        cadenceMinutes: s.cadenceMinutes,
      });
      const F = d.featureNames.length;
      const meter = history.get('meter') as HistoryRecord[];

      // Every slot the definition says has all inputs and targets is a row, and no other.
      const step = s.cadenceMinutes * MIN;
      const expectedRows: number[] = [];
      for (let t = Math.ceil(from / step) * step; t <= from + s.spanMin * MIN; t += step) {
        const inputsOk = sources.every((id) => newestAvailable(history.get(id) as HistoryRecord[], t) !== undefined);
        const targetsOk = s.leadsMinutes.every((lead) => meter.some((r) => r.observedAt === t + lead * MIN));
        if (inputsOk && targetsOk) expectedRows.push(t);
      }
      assert.deepEqual(d.issueTimes, expectedRows);
      assert.equal(Object.values(d.dropped).reduce((a, b) => a + b, 0) + d.issueTimes.length, d.slots);

      d.issueTimes.forEach((t, r) => {
        for (const id of sources) {
          const used = d.used[id];
          assert.ok(used, `no audit for ${id}`);
          const availableAt = used.availableAt[r] as number;
          const observedAt = used.observedAt[r] as number;
          assert.ok(
            availableAt <= t,
            `row ${new Date(t).toISOString()} used ${id} available at ${new Date(availableAt).toISOString()}`,
          );
          const expected = newestAvailable(history.get(id) as HistoryRecord[], t);
          assert.equal(
            observedAt,
            expected?.observedAt,
            `row ${new Date(t).toISOString()}: ${id} is not the newest available`,
          );
          assert.equal(availableAt, expected?.availableAt);
          assert.equal(
            d.X[r * F + d.featureNames.indexOf(`${id}.v`)],
            Math.fround(expected?.values['v'] ?? Number.NaN),
          );
          assert.equal(d.X[r * F + d.featureNames.indexOf(`${id}.age_min`)], Math.fround((t - observedAt) / MIN));
        }
        const p = d.persistenceUsed.availableAt[r] as number;
        assert.ok(Number.isNaN(p) || p <= t, 'persistence used a value not yet available');
        const persisted = newestAvailable(meter, t);
        assert.equal(d.persistenceUsed.observedAt[r], persisted?.observedAt ?? Number.NaN);
        s.leadsMinutes.forEach((lead, l) => {
          const target = meter.find((x) => x.observedAt === t + lead * MIN);
          assert.equal(d.Y[r * s.leadsMinutes.length + l], Math.fround(target?.values['v'] ?? Number.NaN));
        });
      });
    }),
    { numRuns: 300 },
  );
});

/** The research-style join this project must never do: the newest record OBSERVED by issueTime, whenever it arrived. */
function newestObserved(records: readonly HistoryRecord[], t: number): HistoryRecord | undefined {
  let best: HistoryRecord | undefined;
  for (const r of records) if (r.observedAt <= t && (!best || r.observedAt > best.observedAt)) best = r;
  return best;
}

test('joining on observedAt instead would have used inputs that were not yet available, on the same data', () => {
  // Every 10 minutes, readable 20-40 minutes later: the provider behaviour of the running example.
  const records: HistoryRecord[] = Array.from({ length: 6 * 48 }, (_, i) => ({
    observedAt: T0 + i * 10 * MIN,
    availableAt: T0 + i * 10 * MIN + (20 + ((i * 7) % 21)) * MIN,
    values: { v: i },
  }));
  const spec: FeatureSpec = {
    sources: ['meter'],
    fields: { meter: ['v'] },
    leadsMinutes: [20],
    latitude: 55.68,
    longitude: 12.57,
  };
  const d = buildDataset({
    spec,
    target: { source: 'meter', field: 'v' },
    history: new Map([['meter', records]]),
    from: new Date(T0),
    to: new Date(T0 + 40 * 3_600_000),
    cadenceMinutes: 10,
  });

  let wrongLeaks = 0;
  d.issueTimes.forEach((t, r) => {
    assert.ok((d.used['meter']?.availableAt[r] as number) <= t);
    const wrong = newestObserved(records, t);
    if (wrong && wrong.availableAt > t) wrongLeaks++;
  });
  assert.ok(d.issueTimes.length > 200);
  // With 20-40 minute delays the newest observed record is never available yet: every row would see the future.
  assert.equal(wrongLeaks, d.issueTimes.length);
  // ... and it would look 20-40 minutes fresher than anything live prediction can have.
  const F = d.featureNames.length;
  const ages = d.issueTimes.map((_, r) => d.X[r * F + d.featureNames.indexOf('meter.age_min')] as number);
  assert.ok(Math.min(...ages) >= 20, `youngest input used was ${Math.min(...ages)} min old`);
});
