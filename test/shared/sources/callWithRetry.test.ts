import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callWithRetry, type RetryContext } from '../../../shared/sources/callWithRetry';
import {
  ProviderError,
  ProviderHttpError,
  ProviderPageError,
  ProviderTimeoutError,
  ProviderUnreachableError,
} from '../../../shared/sources/ProviderError';
import { backoffBoundMs, DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../../../shared/sources/RetryOptions';
import { FakeTimer } from '../../support/FakeTimer';

const OPTIONS: RetryOptions = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 60_000,
  minTimeoutMs: 1_000,
};

/** A call that fails with the given errors in turn, then answers 'ok'; records the timeouts it was given. */
function flaky(...errors: Error[]) {
  const timeouts: number[] = [];
  const call = async (timeoutMs: number): Promise<string> => {
    timeouts.push(timeoutMs);
    const err = errors.shift();
    if (err) throw err;
    return 'ok';
  };
  return { call, timeouts, calls: () => timeouts.length };
}

function context(timer: FakeTimer, overrides: Partial<RetryContext> = {}): RetryContext {
  return { timer, random: () => 0.5, deadlineMs: 240_000, timeoutMs: 10_000, ...overrides };
}

const http = (status: number, retryAfterMs?: number) =>
  new ProviderHttpError('meter', `GET /observations answered HTTP ${status}`, status, retryAfterMs);
const down = () => new ProviderUnreachableError('meter', 'GET /observations failed: fetch failed (ECONNREFUSED)');

test('retryable failures (network, timeout, 5xx, 408, 429, a bad page) are retried until the call succeeds', async () => {
  const timer = new FakeTimer();
  const f = flaky(down(), new ProviderTimeoutError('meter', 'no answer'), http(503), http(408));
  assert.equal(await callWithRetry(f.call, OPTIONS, context(timer)), 'ok');
  assert.equal(f.calls(), 5);
  assert.equal(timer.sleeps.length, 4);
  const g = flaky(http(429), new ProviderPageError('meter', 'bad', Buffer.from('x'), 'text/html', 'body is not JSON'));
  assert.equal(await callWithRetry(g.call, OPTIONS, context(new FakeTimer())), 'ok');
  assert.equal(g.calls(), 3);
});

test('retries are bounded: 1 + maxRetries attempts, then the last error, saying so', async () => {
  const timer = new FakeTimer();
  const f = flaky(...Array.from({ length: 10 }, () => http(500)));
  await assert.rejects(callWithRetry(f.call, OPTIONS, context(timer)), (err: unknown) => {
    assert.ok(err instanceof ProviderHttpError);
    assert.equal(err.attempts, 5);
    assert.equal(err.canRetry(), true, 'still retryable: the next run may succeed');
    assert.match(err.message, /HTTP 500 \(gave up after 5 attempts: 4 retries used up\)/);
    return true;
  });
  assert.equal(f.calls(), 5);
  assert.equal(timer.sleeps.length, 4);
});

test('refusals (400, 401, 403, 404) are not retried', async () => {
  for (const status of [400, 401, 403, 404, 410, 422]) {
    const timer = new FakeTimer();
    const f = flaky(http(status));
    await assert.rejects(
      callWithRetry(f.call, OPTIONS, context(timer)),
      (err: unknown) =>
        err instanceof ProviderHttpError && err.status === status && !err.canRetry() && err.attempts === 1,
    );
    assert.equal(f.calls(), 1, `HTTP ${status}`);
    assert.deepEqual(timer.sleeps, []);
  }
});

test('errors that are not provider errors (storage, bugs) pass through on the first attempt', async () => {
  const f = flaky(new RangeError('a bug'));
  await assert.rejects(callWithRetry(f.call, OPTIONS, context(new FakeTimer())), RangeError);
  assert.equal(f.calls(), 1);
});

test('backoff is exponential with full jitter: each delay lies in [0, min(max, base * 2^(n-1))]', async () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => backoffBoundMs(OPTIONS, n)),
    [500, 1000, 2000, 4000, 4000, 4000],
  );
  // The extremes of the jitter: random() = 0 waits nothing, random() -> 1 waits (almost) the bound.
  for (const [r, expected] of [
    [0, [0, 0, 0, 0]],
    [0.999999, [499, 999, 1999, 3999]],
  ] as const) {
    const timer = new FakeTimer();
    await callWithRetry(
      flaky(http(502), http(502), http(502), http(502)).call,
      OPTIONS,
      context(timer, { random: () => r }),
    );
    assert.deepEqual(timer.sleeps, expected);
  }
  // Random jitter stays inside the bounds, and is not constant.
  const seen = new Set<number>();
  for (let run = 0; run < 50; run++) {
    const timer = new FakeTimer();
    await callWithRetry(flaky(down(), down(), down(), down()).call, OPTIONS, context(timer, { random: Math.random }));
    timer.sleeps.forEach((ms, i) => {
      assert.ok(ms >= 0 && ms <= backoffBoundMs(OPTIONS, i + 1), `retry ${i + 1} waited ${ms}`);
      seen.add(ms);
    });
  }
  assert.ok(seen.size > 20, 'the delays are jittered');
});

test('Retry-After is honoured exactly, instead of the backoff', async () => {
  const timer = new FakeTimer();
  const f = flaky(http(429, 7_000), http(503, 2_000));
  assert.equal(await callWithRetry(f.call, OPTIONS, context(timer)), 'ok');
  assert.deepEqual(timer.sleeps, [7_000, 2_000]);
});

test('a Retry-After longer than maxRetryAfterMs is not waited for: the call fails at once, retryably, with the wait asked', async () => {
  const timer = new FakeTimer();
  const f = flaky(http(503, 3_600_000));
  await assert.rejects(callWithRetry(f.call, OPTIONS, context(timer)), (err: unknown) => {
    assert.ok(err instanceof ProviderHttpError);
    assert.equal(err.canRetry(), true);
    assert.equal(err.retryAfter(), 3_600_000);
    assert.match(err.message, /asks to retry after 3600 s/);
    return true;
  });
  assert.deepEqual(timer.sleeps, []);
  assert.equal(f.calls(), 1);
});

test('the time budget: no retry starts that cannot finish before the deadline', async () => {
  const timer = new FakeTimer();
  // Each failure takes 3 s (a slow provider; less when the request's timeout is shorter) and asks for 1 s.
  const call = async (timeoutMs: number): Promise<string> => {
    timer.advance(Math.min(3_000, timeoutMs));
    throw http(503, 1_000);
  };
  await assert.rejects(
    callWithRetry(call, { ...OPTIONS, maxRetries: 10 }, context(timer, { deadlineMs: 10_000 })),
    (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.match(err.message, /time budget leaves no room/);
      assert.equal(err.attempts, 3);
      return true;
    },
  );
  assert.ok(timer.nowMs() <= 10_000, `stopped at ${timer.nowMs()} ms`);
});

test('the per-request timeout shrinks to what is left of the budget, but never below minTimeoutMs', async () => {
  const timer = new FakeTimer();
  timer.advance(236_000);
  const f = flaky(down());
  await callWithRetry(f.call, { ...OPTIONS, maxRetries: 1 }, context(timer, { random: () => 0, deadlineMs: 240_000 }));
  assert.deepEqual(f.timeouts, [4_000, 4_000]);
  const late = new FakeTimer();
  late.advance(250_000);
  const g = flaky();
  await callWithRetry(g.call, OPTIONS, context(late, { deadlineMs: 240_000 }));
  assert.deepEqual(g.timeouts, [1_000]);
});

test('onFailure sees every failed attempt; the defaults are documented values', async () => {
  const attempts: number[] = [];
  await callWithRetry(
    flaky(down(), down()).call,
    OPTIONS,
    context(new FakeTimer(), { onFailure: async (_e, n) => void attempts.push(n) }),
  );
  assert.deepEqual(attempts, [1, 2]);
  assert.deepEqual(DEFAULT_RETRY_OPTIONS, {
    maxRetries: 4,
    baseDelayMs: 500,
    maxDelayMs: 15_000,
    maxRetryAfterMs: 60_000,
    minTimeoutMs: 1_000,
  });
});
