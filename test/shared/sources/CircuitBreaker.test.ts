import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BreakerStore } from '../../../shared/sources/BreakerStore';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER_OPTIONS } from '../../../shared/sources/CircuitBreaker';
import { ProviderHttpError, ProviderUnreachableError } from '../../../shared/sources/ProviderError';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

const OPTIONS = { failureThreshold: 3, coolDownMs: 10 * 60_000 };
const outage = () => new ProviderHttpError('weather', 'GET /observations answered HTTP 503: down for maintenance', 503);

function setup() {
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
  const store = new BreakerStore(blobs);
  // A new breaker per run, as every function invocation (on any instance) builds its own.
  const run = () => new CircuitBreaker('weather', store, clock, OPTIONS);
  const stored = () =>
    JSON.parse(blobs.blobs.get(`${CONTAINERS.state}/breakers/weather.json`)?.body.toString() ?? 'null');
  return { blobs, clock, store, run, stored };
}

test('a healthy provider: closed, and successes write nothing', async () => {
  const t = setup();
  assert.deepEqual(await t.run().acquire(), { kind: 'closed' });
  await t.run().recordSuccess();
  assert.equal(t.stored(), null, 'no state blob for a breaker that never failed');
});

test('closed -> open after failureThreshold failed runs in a row; a success in between resets the count', async () => {
  const t = setup();
  await t.run().recordFailure(outage());
  await t.run().recordFailure(outage());
  assert.deepEqual([t.stored().state, t.stored().consecutiveFailures], ['closed', 2]);
  await t.run().recordSuccess();
  assert.deepEqual([t.stored().state, t.stored().consecutiveFailures], ['closed', 0]);
  assert.equal(t.stored().lastError.code, 'PROVIDER_HTTP', 'the last error stays visible after a recovery');
  for (let i = 0; i < 2; i++) await t.run().recordFailure(outage());
  t.clock.advanceMinutes(5);
  const opened = await t
    .run()
    .recordFailure(new ProviderUnreachableError('weather', 'GET /observations failed: fetch failed (ECONNREFUSED)'));
  assert.deepEqual(t.stored(), opened);
  assert.deepEqual(opened, {
    source: 'weather',
    state: 'open',
    since: '2026-06-01T12:05:00.000Z',
    consecutiveFailures: 3,
    lastError: {
      code: 'PROVIDER_UNREACHABLE',
      message: 'provider "weather": GET /observations failed: fetch failed (ECONNREFUSED)',
      at: '2026-06-01T12:05:00.000Z',
    },
    retryAt: '2026-06-01T12:15:00.000Z',
  });
});

test('open: runs are refused until the cool-down has passed on the clock, then exactly one trial is let through', async () => {
  const t = setup();
  for (let i = 0; i < 3; i++) await t.run().recordFailure(outage());
  const refused = await t.run().acquire();
  assert.equal(refused.kind, 'open');
  assert.equal(refused.kind === 'open' && refused.state.retryAt, '2026-06-01T12:10:00.000Z');
  t.clock.advanceMinutes(9.99);
  assert.equal((await t.run().acquire()).kind, 'open');
  t.clock.advanceMinutes(0.01);
  // Two instances wake at once: the conditional write lets one of them make the trial call.
  const [a, b] = await Promise.all([t.run().acquire(), t.run().acquire()]);
  assert.deepEqual([a.kind, b.kind].sort(), ['open', 'trial']);
  assert.deepEqual([t.stored().state, t.stored().trialStartedAt], ['half-open', '2026-06-01T12:10:00.000Z']);
  assert.equal((await t.run().acquire()).kind, 'open', 'no second trial while one is under way');
});

test('half-open -> closed when the trial succeeds', async () => {
  const t = setup();
  for (let i = 0; i < 3; i++) await t.run().recordFailure(outage());
  t.clock.advanceMinutes(10);
  const trial = t.run();
  assert.equal((await trial.acquire()).kind, 'trial');
  t.clock.advanceMinutes(1);
  await trial.recordSuccess();
  assert.deepEqual(
    [t.stored().state, t.stored().since, t.stored().consecutiveFailures],
    ['closed', '2026-06-01T12:11:00.000Z', 0],
  );
  assert.deepEqual(await t.run().acquire(), { kind: 'closed' });
});

test('half-open -> open again when the trial fails, with a new cool-down', async () => {
  const t = setup();
  for (let i = 0; i < 3; i++) await t.run().recordFailure(outage());
  t.clock.advanceMinutes(10);
  const trial = t.run();
  await trial.acquire();
  await trial.recordFailure(outage());
  assert.deepEqual(
    [t.stored().state, t.stored().since, t.stored().retryAt, t.stored().consecutiveFailures],
    ['open', '2026-06-01T12:10:00.000Z', '2026-06-01T12:20:00.000Z', 4],
  );
});

test('a trial whose instance died (half-open for a whole cool-down) is taken over by the next run', async () => {
  const t = setup();
  for (let i = 0; i < 3; i++) await t.run().recordFailure(outage());
  t.clock.advanceMinutes(10);
  assert.equal((await t.run().acquire()).kind, 'trial');
  t.clock.advanceMinutes(5);
  assert.equal((await t.run().acquire()).kind, 'open');
  t.clock.advanceMinutes(5);
  assert.equal((await t.run().acquire()).kind, 'trial');
});

test('a damaged state blob does not stop ingestion: the breaker reads as closed and the next write repairs it', async () => {
  const t = setup();
  await t.blobs.put(CONTAINERS.state, 'breakers/weather.json', '{not json');
  assert.deepEqual(await t.run().acquire(), { kind: 'closed' });
  await t.run().recordFailure(outage());
  assert.equal(t.stored().consecutiveFailures, 1);
});

test('the defaults are documented values', () => {
  assert.deepEqual(DEFAULT_CIRCUIT_BREAKER_OPTIONS, { failureThreshold: 3, coolDownMs: 600_000 });
});
