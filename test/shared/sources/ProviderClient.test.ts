import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NativeProviderConfig as ProviderConfig } from '../../../shared/config/providerSchemas';
import { ProviderClient } from '../../../shared/sources/ProviderClient';
import {
  ProviderHttpError,
  ProviderPageError,
  ProviderTimeoutError,
  ProviderUnreachableError,
  ProviderUrlError,
} from '../../../shared/sources/ProviderError';
import { FixedClock } from '../../support/fixedClock';
import { json, networkError, scriptedFetch } from '../../support/scriptedFetch';

const KEY = 'sk-live-9f2c41d7e0ab';
const provider: ProviderConfig = {
  protocol: 'native',
  endpoint: 'http://provider.test:7101/',
  apiKey: KEY,
  pageSize: 50,
  timeoutMs: 10_000,
};
const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
const since = new Date('2026-06-01T11:00:00Z');
const client = (f: typeof fetch, p: ProviderConfig = provider) =>
  new ProviderClient('meter', p, f, clock, { maxPageBytes: 4096 });

test('a page request carries since, limit and the key header; items keep their exact text', async () => {
  const f = scriptedFetch(() => json('{"items":[{"site":"park-1","v":NaN}],"next":"2026-06-01T12:30:00+01:00"}'));
  const page = await client(f).page(since, { timeoutMs: 2_000 });
  assert.equal(
    f.seen[0]?.url.toString(),
    'http://provider.test:7101/observations?since=2026-06-01T11%3A00%3A00.000Z&limit=50',
  );
  assert.equal(f.seen[0]?.headers['x-api-key'], KEY);
  assert.equal(page.items[0]?.raw, '{"site":"park-1","v":NaN}');
  assert.equal(page.next, '2026-06-01T11:30:00.000Z');
});

test('HTTP failures are typed, retryable as their status says, with Retry-After in ms, and never show the key', async () => {
  const cases: [number, Record<string, string>, boolean, number | undefined][] = [
    [503, { 'retry-after': '120' }, true, 120_000],
    [429, { 'retry-after': 'Mon, 01 Jun 2026 12:00:30 GMT' }, true, 30_000],
    [500, {}, true, undefined],
    [408, {}, true, undefined],
    [401, {}, false, undefined],
    [404, { 'retry-after': '5' }, false, undefined],
  ];
  for (const [status, headers, retry, after] of cases) {
    // A provider that echoes the request (with our key) in its error body.
    const f = scriptedFetch(() => json({ error: `bad request with x-api-key: ${KEY}\nsecond line` }, status, headers));
    await assert.rejects(client(f).page(since), (err: unknown) => {
      assert.ok(err instanceof ProviderHttpError, String(err));
      assert.equal(err.code, 'PROVIDER_HTTP');
      assert.equal(err.status, status);
      assert.equal(err.canRetry(), retry, `HTTP ${status}`);
      assert.equal(err.retryAfter(), after, `HTTP ${status}`);
      assert.match(
        err.message,
        new RegExp(`^provider "meter": GET /observations answered HTTP ${status}: .*\\[redacted\\]`),
      );
      assert.ok(!err.message.includes(KEY));
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  }
});

test('network failures and timeouts are retryable, typed, and name the cause', async () => {
  await assert.rejects(
    client(scriptedFetch(() => Promise.reject(networkError('ECONNRESET')))).page(since),
    (err: unknown) => {
      assert.ok(err instanceof ProviderUnreachableError);
      assert.equal(err.code, 'PROVIDER_UNREACHABLE');
      assert.ok(err.canRetry());
      assert.match(err.message, /GET \/observations failed: fetch failed \(ECONNRESET\)/);
      return true;
    },
  );
  // A provider that never answers: the per-request timeout of the call (not the configured 10 s) aborts it.
  const never: typeof fetch = async (_input, init) =>
    new Promise<Response>((_resolve, reject) =>
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
    );
  const started = Date.now();
  // AbortSignal.timeout does not keep the process alive (a real socket would): hold it open meanwhile.
  const keepAlive = setTimeout(() => undefined, 5_000);
  try {
    await assert.rejects(
      client(never).page(since, { timeoutMs: 50 }),
      (err: unknown) =>
        err instanceof ProviderTimeoutError && err.canRetry() && /no answer within 50 ms/.test(err.message),
    );
  } finally {
    clearTimeout(keepAlive);
  }
  assert.ok(Date.now() - started < 2_000);
});

const badPages: [string, string, RegExp][] = [
  ['not JSON', '<html>maintenance</html>', /body is not JSON/],
  ['no items', '{"data":[]}', /no "items"/],
  ['next not a time', '{"items":[],"next":"soon"}', /"next" is "soon", expected an ISO 8601 time/],
  ['next a number', '{"items":[],"next":42}', /"next" is 42/],
  ['next not advancing', '{"items":[],"next":"2026-06-01T11:00:00Z"}', /does not advance past since/],
  ['next in the future', '{"items":[],"next":"2027-01-01T00:00:00Z"}', /"next" .* is in the future/],
  ['larger than maxPageBytes', `{"items":[${'1,'.repeat(3000)}1]}`, /larger than 4096 bytes/],
];
for (const [name, body, reason] of badPages) {
  test(`a 200 answer that is not a page is a retryable ProviderPageError carrying the raw body: ${name}`, async () => {
    await assert.rejects(client(scriptedFetch(() => json(body))).page(since), (err: unknown) => {
      assert.ok(err instanceof ProviderPageError);
      assert.equal(err.code, 'PROVIDER_BAD_PAGE');
      assert.ok(err.canRetry());
      assert.match(err.reason, reason);
      assert.equal(err.body.toString('utf8'), body.slice(0, 4097));
      return true;
    });
  });
}

test('a body that is not UTF-8 is not a page', async () => {
  const f = scriptedFetch(() => new Response(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { status: 200 }));
  await assert.rejects(
    client(f).page(since),
    (err: unknown) => err instanceof ProviderPageError && /not valid UTF-8/.test(err.reason) && err.body.length === 4,
  );
});

test('images: the bytes and declared type; more than maxBytes is flagged and not read on', async () => {
  const f = scriptedFetch(
    () => new Response(Buffer.alloc(10_000, 7), { status: 200, headers: { 'content-type': 'image/png' } }),
  );
  const small = await client(f).image('/images/park-1/x.png', { maxBytes: 20_000 });
  assert.deepEqual([small.bytes.length, small.contentType, small.oversized], [10_000, 'image/png', false]);
  const big = await client(f).image('images/park-1/x.png', { maxBytes: 1_000 });
  assert.deepEqual([big.bytes.length, big.oversized], [1_001, true]);
  assert.equal(f.seen[1]?.url.pathname, '/images/park-1/x.png');
});

test('an image URL outside the endpoint is refused before any request, for good', async () => {
  const f = scriptedFetch(() => json({}));
  for (const url of ['http://evil.test/x.png', '//evil.test/x.png', 'file:///etc/passwd', 'javascript:alert(1)']) {
    await assert.rejects(
      client(f).image(url, { maxBytes: 100 }),
      (err: unknown) => err instanceof ProviderUrlError && !err.canRetry(),
    );
  }
  assert.equal(f.seen.length, 0);
});
