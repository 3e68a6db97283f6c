import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConcurrencyLimiter } from '../../../local/host/ConcurrencyLimiter';

test('at most `limit` tasks run; waiting ones start highest priority first, in arrival order within a priority', async () => {
  const limiter = new ConcurrencyLimiter(2);
  let running = 0;
  let peak = 0;
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const task = (name: string, wait?: Promise<void>) => async () => {
    running++;
    peak = Math.max(peak, running);
    order.push(name);
    await (wait ?? Promise.resolve());
    running--;
  };
  const blockers = [limiter.run(task('a', gate)), limiter.run(task('b', gate))];
  const queued = [
    limiter.run(task('old backlog 1'), 1),
    limiter.run(task('live'), 9),
    limiter.run(task('old backlog 2'), 1),
    limiter.run(task('newer backlog'), 5),
    limiter.run(task('live 2'), 9),
  ];
  assert.equal(limiter.waiting, 5);
  release();
  await Promise.all([...blockers, ...queued]);
  assert.deepEqual(order, ['a', 'b', 'live', 'live 2', 'newer backlog', 'old backlog 1', 'old backlog 2']);
  assert.equal(peak, 2);
  assert.equal(limiter.waiting, 0);
});

test('a failing task frees its slot; a bad limit is refused with the value', async () => {
  const limiter = new ConcurrencyLimiter(1);
  await assert.rejects(
    limiter.run(() => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await limiter.run(() => Promise.resolve(7)), 7);
  assert.throws(() => new ConcurrencyLimiter(0), /positive integer, got 0/);
});
