import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CachedReport } from '../../../shared/health/CachedReport';
import { FixedClock } from '../../support/fixedClock';

test('a kept report is served while younger than maxAgeMs; a clock moved backwards makes it stale, not eternal', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
  let runs = 0;
  const cache = new CachedReport(
    async () => ++runs,
    () => clock,
    30_000,
  );
  assert.equal(await cache.get(), 1);
  clock.set('2026-06-01T12:00:29.999Z');
  assert.equal(await cache.get(), 1);
  clock.set('2026-06-01T11:59:00Z');
  assert.equal(await cache.get(), 2, 'backwards: checked again');
  clock.set('2026-06-01T11:59:30Z');
  assert.equal(await cache.get(), 3, '30 s later: checked again');
});

test('concurrent callers share one run, and a failed run is not kept', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
  let runs = 0;
  let fail = true;
  const cache = new CachedReport(
    async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('store down');
      return runs;
    },
    () => clock,
    30_000,
  );
  const failed = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
  assert.deepEqual(
    failed.map((r) => r.status),
    ['rejected', 'rejected', 'rejected'],
  );
  assert.equal(runs, 1);
  fail = false;
  assert.deepEqual(await Promise.all([cache.get(), cache.get()]), [2, 2]);
  assert.equal(runs, 2);
});
