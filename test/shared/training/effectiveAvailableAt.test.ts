import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AvailabilityInput } from '../../../shared/features/AvailabilityInput';
import { DEFAULT_DELAY_MODEL_OPTIONS } from '../../../shared/features/DelayModel';
import { type EffectiveAvailability, effectiveAvailableAt } from '../../../shared/training/effectiveAvailableAt';
import { isLiveRecord } from '../../../shared/features/isLiveRecord';
import { learnDelayModel } from '../../../shared/training/learnDelayModel';
import { TrainingDataError } from '../../../shared/training/TrainingDataError';

const MIN = 60_000;
const T = Date.parse('2026-05-01T12:00:00Z');
const BACKFILL_RAN = T + 3 * 86_400_000;
/** A learned model: live delays' 0.9 quantile 38 min, live ingest lag 3 min. */
const MODEL = { backfillDelayMs: 38 * MIN, ingestLagMs: 3 * MIN };

const CASES: { name: string; record: AvailabilityInput; expected: EffectiveAvailability }[] = [
  {
    name: 'live, with publishedAt: the recorded time',
    record: { observedAt: T, publishedAt: T + 25 * MIN, availableAt: T + 28 * MIN },
    expected: { availableAt: T + 28 * MIN, basis: 'recorded' },
  },
  {
    name: 'live, no publishedAt, plausible delay: the recorded time',
    record: { observedAt: T, availableAt: T + 31 * MIN },
    expected: { availableAt: T + 31 * MIN, basis: 'recorded' },
  },
  {
    name: 'live late batch after an outage (published 5 h late, read at once): the recorded time',
    record: { observedAt: T, publishedAt: T + 300 * MIN, availableAt: T + 302 * MIN },
    expected: { availableAt: T + 302 * MIN, basis: 'recorded' },
  },
  {
    name: 'ingest lag exactly at the 15 min limit still counts as live',
    record: { observedAt: T, publishedAt: T + 20 * MIN, availableAt: T + 35 * MIN },
    expected: { availableAt: T + 35 * MIN, basis: 'recorded' },
  },
  {
    name: 'ingest lag just over 15 min: backfilled, publishedAt + live lag',
    record: { observedAt: T, publishedAt: T + 20 * MIN, availableAt: T + 35 * MIN + 1 },
    expected: { availableAt: T + 23 * MIN, basis: 'published' },
  },
  {
    name: 'stored a little before the provider says it published (clock skew): live',
    record: { observedAt: T, publishedAt: T + 30 * MIN, availableAt: T + 29 * MIN },
    expected: { availableAt: T + 29 * MIN, basis: 'recorded' },
  },
  {
    name: 'backfilled with publishedAt: publishedAt + live lag, not the backfill time',
    record: { observedAt: T, publishedAt: T + 24 * MIN, availableAt: BACKFILL_RAN },
    expected: { availableAt: T + 27 * MIN, basis: 'published' },
  },
  {
    name: 'backfilled without publishedAt: observedAt + delay quantile, not observedAt',
    record: { observedAt: T, availableAt: BACKFILL_RAN },
    expected: { availableAt: T + 38 * MIN, basis: 'delay-model' },
  },
  {
    name: 'no usable availableAt, no publishedAt: observedAt + delay quantile',
    record: { observedAt: T, availableAt: Number.NaN },
    expected: { availableAt: T + 38 * MIN, basis: 'delay-model' },
  },
  {
    name: 'no usable availableAt, with publishedAt: publishedAt + live lag',
    record: { observedAt: T, publishedAt: T + 33 * MIN, availableAt: Number.NaN },
    expected: { availableAt: T + 36 * MIN, basis: 'published' },
  },
  {
    name: 'backfilled, but we had it before the model says: capped at the recorded time',
    record: { observedAt: T, availableAt: T + 181 * MIN },
    expected: { availableAt: T + 181 * MIN, basis: 'recorded' },
  },
  {
    name: 'publishedAt before observedAt (bogus), backfilled: never before observedAt',
    record: { observedAt: T, publishedAt: T - 60 * MIN, availableAt: BACKFILL_RAN },
    expected: { availableAt: T, basis: 'published' },
  },
];

for (const c of CASES) {
  test(`effectiveAvailableAt: ${c.name}`, () => {
    const longDelays = c.name.startsWith('backfilled, but') ? { ...MODEL, backfillDelayMs: 300 * MIN } : MODEL;
    assert.deepEqual(effectiveAvailableAt(c.record, longDelays), c.expected);
  });
}

test('effectiveAvailableAt: the no-publishedAt plausibility limit is an option', () => {
  const record = { observedAt: T, availableAt: T + 100 * MIN };
  assert.equal(effectiveAvailableAt(record, MODEL).basis, 'recorded');
  const strict = { ...DEFAULT_DELAY_MODEL_OPTIONS, maxLiveDelayMinutes: 60 };
  assert.deepEqual(effectiveAvailableAt(record, MODEL, strict), { availableAt: T + 38 * MIN, basis: 'delay-model' });
});

/** `n` live records observed every 10 minutes with the given delays and ingest lags, cycling. */
function live(n: number, delaysMin: number[], lagsMin?: number[]): AvailabilityInput[] {
  return Array.from({ length: n }, (_, i) => {
    const observedAt = T + i * 10 * MIN;
    const availableAt = observedAt + (delaysMin[i % delaysMin.length] as number) * MIN;
    return lagsMin
      ? { observedAt, availableAt, publishedAt: availableAt - (lagsMin[i % lagsMin.length] as number) * MIN }
      : { observedAt, availableAt };
  });
}

test('learnDelayModel: the 0.9 quantile (rounded up to an observed delay) and the median ingest lag of live records', () => {
  const delays = [20, 22, 24, 26, 28, 30, 32, 34, 36, 40]; // 0.9 quantile of 10 values, "higher": index ceil(8.1) = 9
  const model = learnDelayModel('site-meter', live(40, delays, [1, 2, 4, 9]));
  assert.equal(model.source, 'site-meter');
  assert.equal(model.liveRecords, 40);
  assert.equal(model.liveRecordsWithPublishedAt, 40);
  assert.equal(model.backfillDelayMs, 40 * MIN);
  assert.equal(model.backfillQuantile, 0.9);
  assert.equal(model.ingestLagMs, 4 * MIN); // upper median of 1, 2, 4, 9
  const median = learnDelayModel('site-meter', live(40, delays), { backfillQuantile: 0.5 });
  assert.equal(median.backfillDelayMs, 30 * MIN);
});

test('learnDelayModel: backfilled records say nothing about delays and are left out', () => {
  const backfilled = Array.from({ length: 500 }, (_, i) => ({
    observedAt: T - i * 10 * MIN,
    availableAt: BACKFILL_RAN,
    publishedAt: T - i * 10 * MIN + 25 * MIN,
  }));
  const model = learnDelayModel('weather', [...live(30, [25], [2]), ...backfilled]);
  assert.equal(model.liveRecords, 30);
  assert.equal(model.backfillDelayMs, 25 * MIN);
  assert.equal(model.ingestLagMs, 2 * MIN);
});

test('learnDelayModel: without enough live records, the conservative defaults (40 min delay, 5 min lag)', () => {
  for (const records of [[], live(19, [25], [1])]) {
    const model = learnDelayModel('skycam', records);
    assert.equal(model.backfillDelayMs, 40 * MIN);
    assert.equal(model.backfillQuantile, undefined);
    assert.equal(model.ingestLagMs, 5 * MIN);
  }
  // Live records without publishedAt teach the delay but not the lag.
  const noLag = learnDelayModel('skycam', live(25, [25]));
  assert.equal(noLag.backfillDelayMs, 25 * MIN);
  assert.equal(noLag.ingestLagMs, 5 * MIN);
});

test('learnDelayModel: a quantile outside (0, 1] is an INVALID_OPTIONS error', () => {
  for (const q of [0, 1.5, Number.NaN]) {
    assert.throws(
      () => learnDelayModel('x', [], { backfillQuantile: q }),
      (e: unknown) => e instanceof TrainingDataError && e.code === 'INVALID_OPTIONS' && e.message.includes(String(q)),
    );
  }
});

test('a record marked backfilled is never live, however close to its observation it was stored: its delay is modelled', () => {
  const observedAt = Date.parse('2026-06-01T10:00:00Z');
  const stored = { observedAt, availableAt: observedAt + 5 * 60_000 };
  assert.equal(isLiveRecord(stored, DEFAULT_DELAY_MODEL_OPTIONS), true);
  assert.equal(isLiveRecord({ ...stored, backfilled: true }, DEFAULT_DELAY_MODEL_OPTIONS), false);
  const model = { backfillDelayMs: 40 * 60_000, ingestLagMs: 5 * 60_000 };
  // Capped at the recorded time: the backfill demonstrably had it 5 minutes after observation.
  assert.deepEqual(effectiveAvailableAt({ ...stored, backfilled: true }, model), {
    availableAt: observedAt + 5 * 60_000,
    basis: 'recorded',
  });
  const late = { observedAt, availableAt: observedAt + 170 * 60_000, backfilled: true };
  assert.deepEqual(effectiveAvailableAt(late, model), { availableAt: observedAt + 40 * 60_000, basis: 'delay-model' });
});
