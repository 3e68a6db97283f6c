import '../support/testEnv';
import { nativeProvider } from '../support/nativeProvider';
import { NativeAdapter } from '../../shared/sources/NativeAdapter';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { makeHealthDetailsHandler } from '../../functions/health';
import { makeIngestHandler } from '../../functions/ingest';
import type { HealthReport } from '../../shared/health/checkHealth';
import { ProviderClient } from '../../shared/sources/ProviderClient';
import { ProviderError } from '../../shared/sources/ProviderError';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FakeTimer } from '../support/FakeTimer';
import { FixedClock } from '../support/fixedClock';
import { type FetchScript, json, networkError, scriptedFetch } from '../support/scriptedFetch';
import { testConfig, testServices } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const KEY = 'pk_live_7Hq2xV9rT4mN8bW1';

/** Services whose providers answer from `script`, with the secret KEY; logs captured per invocation. */
function setup(script: FetchScript) {
  const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
  const config = testConfig();
  for (const source of config.sources) nativeProvider(source.provider).apiKey = KEY;
  const fetch = scriptedFetch(script);
  const s = {
    ...testServices(clock, config),
    provider: (id: string) =>
      new NativeAdapter(
        new ProviderClient(
          id,
          nativeProvider(config.sources.find((c) => c.id === id)?.provider ?? config.sources[0]!.provider),
          fetch,
          clock,
        ),
      ),
  };
  const logs: string[] = [];
  const context = (name: string) =>
    new InvocationContext({
      functionName: name,
      logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`),
    });
  const ingest = (id: string) =>
    makeIngestHandler(id, () => s, { deps: { timer: new FakeTimer(), random: () => 0.5 } })(
      timer,
      context(`ingest-${id}`),
    );
  const everything = () =>
    logs.join('\n') + [...s.blobs.blobs.values()].map((b) => b.body.toString('latin1')).join('\n');
  return { s, clock, fetch, logs, ingest, everything };
}

test('provider keys never reach a log line, an error, the run status or the breaker state, whatever the provider echoes', async () => {
  const echoes: FetchScript[] = [
    (_url, seen) => json({ error: `internal error, request headers: ${JSON.stringify(seen.headers)}` }, 500),
    (_url, seen) => json({ error: `key ${seen.headers['x-api-key']} is not valid` }, 401),
    (_url, seen) => json(`<html>upstream said: x-api-key=${seen.headers['x-api-key']}`),
    (_url, seen) => json(`{"items":[],"next":"${seen.headers['x-api-key']}"}`),
    (_url, seen) => Promise.reject(new TypeError(`fetch failed: proxy refused x-api-key ${seen.headers['x-api-key']}`)),
    () => Promise.reject(networkError('ECONNREFUSED')),
  ];
  for (const [i, script] of echoes.entries()) {
    const t = setup(script);
    await assert.rejects(t.ingest('site-meter'), (err: unknown) => {
      assert.ok(err instanceof ProviderError, String(err));
      assert.ok(!inspect(err, { depth: 10 }).includes(KEY), `case ${i}: the error, its stack and any cause`);
      return true;
    });
    assert.ok(
      t.logs.some((l) => l.startsWith('error: ingest-site-meter failed')),
      `case ${i}: the failure is logged`,
    );
    assert.ok(
      t.fetch.seen.every((r) => r.headers['x-api-key'] === KEY),
      'the key was sent',
    );
    assert.ok(!t.logs.join('\n').includes(KEY), `case ${i}: no key in the logs:\n${t.logs.join('\n')}`);
    const status = JSON.stringify(await t.s.status.read('ingest-site-meter'));
    const breaker = (await t.s.blobs.get(CONTAINERS.state, 'breakers/site-meter.json'))?.body.toString() ?? '';
    assert.ok(!status.includes(KEY) && !breaker.includes(KEY), `case ${i}: no key in the status or breaker blobs`);
  }
});

test('an open breaker: ingest skips the call, records the skip, and /api/health shows every provider breaker', async () => {
  const t = setup(() => json({ error: 'maintenance' }, 503, { 'retry-after': '2' }));
  for (let i = 0; i < 3; i++) {
    await assert.rejects(t.ingest('weather'), (err: unknown) => err instanceof ProviderError && err.canRetry());
    t.clock.advanceMinutes(5);
  }
  const calls = t.fetch.seen.length;
  const skipped = await t.ingest('weather');
  assert.equal(t.fetch.seen.length, calls, 'no call while the breaker is open');
  assert.ok(skipped.skipped);
  assert.match(
    t.logs.at(-1) ?? '',
    /^warning: ingest-weather: skipped, no call made: circuit breaker of "weather" is open since 2026-06-01T12:10:00.000Z after 3 failed run\(s\)/,
  );
  const status = await t.s.status.read('ingest-weather');
  assert.equal(status?.ok, false);
  assert.match(status?.summary ?? '', /^skipped: circuit breaker of "weather" is open/);

  const res = await makeHealthDetailsHandler(() => t.s)(
    new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/health/details' }),
    new InvocationContext(),
  );
  const report = res.jsonBody as HealthReport;
  const weather = report.sources.find((x) => x.id === 'weather')?.breaker;
  assert.deepEqual(weather, {
    state: 'open',
    since: '2026-06-01T12:10:00.000Z',
    consecutiveFailures: 3,
    lastError: {
      code: 'PROVIDER_HTTP',
      message:
        'provider "weather": GET /weather/observations answered HTTP 503: {"error":"maintenance"} (gave up after 5 attempts: 4 retries used up)',
      at: '2026-06-01T12:10:00.000Z',
      status: 503,
    },
    retryAt: '2026-06-01T12:20:00.000Z',
  });
  for (const id of ['site-meter', 'neighbors', 'skycam']) {
    assert.deepEqual(
      report.sources.find((x) => x.id === id)?.breaker,
      { state: 'closed', since: null, consecutiveFailures: 0, lastError: null, retryAt: null },
      id,
    );
  }
  assert.ok(
    report.reasons.some((r) =>
      /^circuit breaker of weather is open since 2026-06-01T12:10:00.000Z after 3 failed run\(s\) \(last error: .*HTTP 503.*\); next trial after 2026-06-01T12:20:00.000Z$/.test(
        r,
      ),
    ),
    report.reasons.join('\n'),
  );
});

test('a run that quarantines records logs a warning with the counts, and never the records themselves', async () => {
  const t = setup(() =>
    json(
      `{"items":[{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":NaN,"ghi_wm2":1}},{"site":"<script>${KEY}","observedAt":"x"}],"next":null}`,
    ),
  );
  const r = await t.ingest('site-meter');
  assert.deepEqual([r.received, r.quarantined], [2, 2]);
  assert.match(
    t.logs.at(-1) ?? '',
    /^warning: ingest-site-meter: 0 stored, 0 duplicate, 2 quarantined from 1 page\(s\)/,
  );
  assert.ok(!t.logs.join('\n').includes(KEY));
  assert.equal(t.s.blobs.names(CONTAINERS.quarantine).length, 4, 'each record and its bytes kept as received');
});
