import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockPacedTimer } from '../../../shared/sources/MonotonicTimer';
import { ScaledClock } from '../../../shared/time/ScaledClock';
import { systemClock } from '../../../shared/time/Clock';

test('waits pass on the app clock: a virtual clock 1000x faster waits a thousandth of the time', async () => {
  const fast = clockPacedTimer(
    new ScaledClock({ virtualStart: new Date('2026-06-01T12:00:00Z'), realStartMs: Date.now(), speed: 1000 }),
  );
  let started = performance.now();
  await fast.sleep(5_000);
  const virtualWait = performance.now() - started;
  assert.ok(virtualWait >= 4 && virtualWait < 500, `5 virtual seconds took ${virtualWait} real ms`);
  started = performance.now();
  await clockPacedTimer(systemClock).sleep(60);
  assert.ok(performance.now() - started >= 55, 'the wall clock waits in real time');
  assert.ok(Math.abs(fast.nowMs() - performance.now()) < 50, 'elapsed time is real either way');
});
