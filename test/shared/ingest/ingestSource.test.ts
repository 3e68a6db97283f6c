import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type IngestOptions, ingestSource } from '../../../shared/ingest/ingestSource';
import { ProviderError, ProviderHttpError, ProviderPageError } from '../../../shared/sources/ProviderError';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FakeProvider, pageBody } from '../../support/FakeProvider';
import { FakeTimer } from '../../support/FakeTimer';
import { FixedClock } from '../../support/fixedClock';
import { brokenImages, skyJpeg, skyPng } from '../../support/images';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { json, networkError } from '../../support/scriptedFetch';
import { testConfig } from '../../support/testServices';
import { storedBatches, storedPictures } from '../../support/storedPictures';
import { storedNames, storedObservation } from '../../support/storedObservations';
import { parsePictureBatch } from '../../../shared/features/PictureBatch';

const NOW = '2026-06-01T12:00:00.000Z';
const MAX_IMAGE_BYTES = 20_000;

function rig(sourceId: 'site-meter' | 'skycam') {
  const config = testConfig();
  const source = config.sources.find((s) => s.id === sourceId);
  assert.ok(source);
  source.maxImageBytes = MAX_IMAGE_BYTES;
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(new Date(NOW));
  const timer = new FakeTimer();
  const provider = new FakeProvider(source, clock);
  const run = (options: IngestOptions = {}) =>
    ingestSource(
      source,
      new Set(['park-1']),
      { blobs, clock, provider: provider.client, timer, random: () => 0.5 },
      { initialSince: new Date('2026-06-01T06:00:00Z'), ...options },
    );
  const body = async (container: string, name: string) => (await blobs.get(container, name))?.body;
  const quarantined = async () => {
    const out: {
      reason: string;
      record: unknown;
      recordText?: string;
      bin: string | undefined;
      binBytes: Buffer | undefined;
    }[] = [];
    for (const name of blobs.names(CONTAINERS.quarantine).filter((n) => n.endsWith('.json'))) {
      const entry = JSON.parse((await body(CONTAINERS.quarantine, name))?.toString() ?? '{}');
      const bin = entry.bytes ? await body(CONTAINERS.quarantine, entry.bytes) : undefined;
      out.push({ ...entry, bin: bin?.toString('utf8'), binBytes: bin });
    }
    return out;
  };
  const watermark = async () =>
    JSON.parse((await body(CONTAINERS.state, 'watermarks/' + sourceId + '.json'))?.toString() ?? 'null')?.since as
      string | undefined;
  const breaker = async () =>
    JSON.parse((await body(CONTAINERS.state, 'breakers/' + sourceId + '.json'))?.toString() ?? 'null');
  return { source, blobs, clock, timer, provider, run, body, quarantined, watermark, breaker };
}

/** The pictures each manifest in images/_batches/ lists. */
async function manifests(blobs: MemoryBlobStore): Promise<string[][]> {
  const out: string[][] = [];
  for (const name of storedBatches(blobs)) {
    const body = (await blobs.get(CONTAINERS.images, name))?.body ?? Buffer.alloc(0);
    out.push(parsePictureBatch(name, body).pictures);
  }
  return out;
}

const rec = (observedAt: string, power = 100, extra = '') =>
  `{"site":"park-1","observedAt":"${observedAt}","publishedAt":"2026-06-01T11:55:00Z","values":{"power_kw":${power},"ghi_wm2":500}${extra}}`;

test('bad records go to quarantine with the reason and their exact bytes; the good records of the batch are stored', async () => {
  const t = rig('site-meter');
  const bad: [string, RegExp][] = [
    [
      '{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":NaN,"ghi_wm2":1}}',
      /"values.power_kw" is NaN/,
    ],
    [
      '{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":1e999,"ghi_wm2":1}}',
      /"values.power_kw" is Infinity/,
    ],
    ['{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":-Infinity,"ghi_wm2":1}}', /-Infinity/],
    ['{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":1}}', /"values.ghi_wm2" is missing/],
    [
      '{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":"12","ghi_wm2":1}}',
      /"values.power_kw" is "12"/,
    ],
    ['{"site":"park-1","values":{"power_kw":1,"ghi_wm2":1}}', /"observedAt" is missing/],
    ['{"site":"park-1","observedAt":1717236000,"values":{"power_kw":1,"ghi_wm2":1}}', /"observedAt" is 1717236000/],
    ['{"site":"park-1","observedAt":"2026-06-01T13:00:00Z","values":{"power_kw":1,"ghi_wm2":1}}', /in the future/],
    [
      '{"site":"park-1","observedAt":"2024-01-01T00:00:00Z","values":{"power_kw":1,"ghi_wm2":1}}',
      /more than 400 days old/,
    ],
    [
      '{"site":"park-9","observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":1,"ghi_wm2":1}}',
      /"site" is "park-9", expected one of "park-1"/,
    ],
    [
      '{"site":7,"observedAt":"2026-06-01T11:00:00Z","values":{"power_kw":1,"ghi_wm2":1}}',
      /"site" is 7, expected a string/,
    ],
    [
      '{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","publishedAt":"2026-06-01T10:00:00Z","values":{"power_kw":1,"ghi_wm2":1}}',
      /before "observedAt"/,
    ],
    ['"just a string"', /record is "just a string", expected an object/],
    ['null', /record is null/],
  ];
  const good = [rec('2026-06-01T11:10:00Z'), rec('2026-06-01T11:20:00Z', 200)];
  t.provider.pages.push(pageBody([good[0] as string, ...bad.map(([r]) => r), good[1] as string]));
  const result = await t.run();
  assert.deepEqual([result.received, result.stored, result.duplicates, result.quarantined], [16, 2, 0, 14]);
  assert.deepEqual(t.blobs.names(CONTAINERS.raw), [
    'site-meter/park-1/2026-06-01/2026-06-01T11:10:00.000Z.json',
    'site-meter/park-1/2026-06-01/2026-06-01T11:20:00.000Z.json',
  ]);
  const entries = await t.quarantined();
  assert.equal(entries.length, bad.length);
  for (const [raw, reason] of bad) {
    const entry = entries.find((e) => e.bin === raw);
    assert.ok(entry, `quarantined byte for byte: ${raw}`);
    assert.match(entry.reason, reason);
  }
});

test('duplicates within a batch and across batches are stored once; a late, out-of-order record keeps its true availableAt', async () => {
  const t = rig('site-meter');
  t.provider.pages.push(
    pageBody(
      [rec('2026-06-01T11:20:00Z'), rec('2026-06-01T11:10:00Z'), rec('2026-06-01T11:20:00Z')],
      '2026-06-01T11:55:00Z',
    ),
    pageBody([rec('2026-06-01T11:10:00Z')]),
  );
  const first = await t.run();
  assert.deepEqual([first.pages, first.received, first.stored, first.duplicates, first.quarantined], [2, 4, 2, 2, 0]);

  // Half an hour later the provider resends one (after an outage) and delivers an older one for the first time.
  t.clock.advanceMinutes(30);
  t.provider.pages.push(pageBody([rec('2026-06-01T11:20:00Z'), rec('2026-06-01T10:50:00Z')]));
  const later = await t.run();
  assert.deepEqual([later.stored, later.duplicates, later.quarantined], [1, 1, 0]);
  // In either layout: the per-observation blobs of the first run (no state yet), the batch of the later one.
  const read = async (observedAt: string) =>
    (await storedObservation(t.blobs, CONTAINERS.raw, `site-meter/park-1/2026-06-01/${observedAt}.json`)) ??
    assert.fail(`nothing stored at ${observedAt}`);
  assert.equal((await read('2026-06-01T11:20:00.000Z')).availableAt, NOW, 'first store wins');
  assert.equal(
    (await read('2026-06-01T10:50:00.000Z')).availableAt,
    '2026-06-01T12:30:00.000Z',
    'the late record became available when it arrived',
  );
  assert.equal((await storedNames(t.blobs, CONTAINERS.raw)).length, 3);
});

test('a repeat with different values is a conflict, quarantined; the stored observation is unchanged', async () => {
  const t = rig('site-meter');
  t.provider.pages.push(pageBody([rec('2026-06-01T11:20:00Z', 100), rec('2026-06-01T11:20:00Z', 101)]));
  const first = await t.run();
  assert.deepEqual([first.stored, first.duplicates, first.quarantined], [1, 0, 1]);
  t.provider.pages.push(pageBody([rec('2026-06-01T11:20:00Z', 102)]));
  const second = await t.run();
  assert.deepEqual([second.stored, second.duplicates, second.quarantined], [0, 0, 1]);
  const reasons = (await t.quarantined()).map((e) => e.reason).sort();
  assert.match(reasons[0] ?? '', /conflicts with record 0 of the same page .*"values.power_kw" is 101 here, 100 there/);
  assert.match(
    reasons[1] ?? '',
    /conflicts with the observation already stored .*"values.power_kw" is 102 here, 100 there/,
  );
  const stored = JSON.parse(
    (await t.body(CONTAINERS.raw, 'site-meter/park-1/2026-06-01/2026-06-01T11:20:00.000Z.json'))?.toString() ?? '{}',
  );
  assert.equal(stored.values.power_kw, 100);
});

test('the watermark follows next, or the newest valid publishedAt; a bad record cannot move it', async () => {
  const t = rig('site-meter');
  const future =
    '{"site":"park-1","observedAt":"2026-06-01T11:00:00Z","publishedAt":"2099-01-01T00:00:00Z","values":{"power_kw":1,"ghi_wm2":1}}';
  t.provider.pages.push(pageBody([rec('2026-06-01T11:20:00Z'), future]));
  const r = await t.run();
  assert.equal(r.quarantined, 1);
  assert.equal(await t.watermark(), '2026-06-01T11:55:00.000Z');
  assert.equal(r.to, '2026-06-01T11:55:00.000Z');
});

test('a page that is not a page is quarantined whole, retried, and fails the run retryably without moving the watermark', async () => {
  const t = rig('site-meter');
  t.provider.pages.push(pageBody([rec('2026-06-01T11:20:00Z')], '2026-06-01T11:30:00Z'));
  t.provider.fallback = () => json('<html><body>Proxy error</body></html>');
  await assert.rejects(t.run(), (err: unknown) => {
    assert.ok(err instanceof ProviderPageError);
    assert.equal(err.canRetry(), true);
    assert.match(
      err.message,
      /body is not JSON.*kept in quarantine\/site-meter\/2026-06-01\/[0-9a-f]{32}\.json.*gave up after 5 attempts/,
    );
    return true;
  });
  assert.equal(
    await t.watermark(),
    '2026-06-01T11:30:00.000Z',
    'the good page before it counts; the cursor stops before the broken one',
  );
  const entries = await t.quarantined();
  assert.equal(entries.length, 1, 'the same broken body, five times, is kept once');
  assert.equal(entries[0]?.bin, '<html><body>Proxy error</body></html>');
  assert.match(entries[0]?.reason ?? '', /^body is not JSON/);
  assert.deepEqual(entries[0]?.record, {
    page: { since: '2026-06-01T11:30:00.000Z', contentType: 'application/json', bytes: 37 },
  });
  assert.deepEqual([(await t.breaker()).state, (await t.breaker()).consecutiveFailures], ['closed', 1]);
});

test('a broken page that is repaired within the retries costs nothing but a quarantined copy', async () => {
  const t = rig('site-meter');
  t.provider.pages.push('{"items":[', pageBody([rec('2026-06-01T11:20:00Z')]));
  const r = await t.run();
  assert.deepEqual([r.stored, r.quarantinedPages, r.retries], [1, 1, 1]);
  assert.equal(await t.breaker(), null);
});

test('retryable failures are retried inside the run with backoff, honouring Retry-After', async () => {
  const t = rig('site-meter');
  t.provider.pages.push(
    () => Promise.reject(networkError()),
    json({ error: 'busy' }, 503),
    json({ error: 'slow down' }, 429, { 'retry-after': '3' }),
    pageBody([rec('2026-06-01T11:20:00Z')]),
  );
  const r = await t.run();
  assert.deepEqual([r.stored, r.retries], [1, 3]);
  // random() = 0.5: half of the bound 500, 1000 ms; then the 3 s the provider asked for.
  assert.deepEqual(t.timer.sleeps, [250, 500, 3_000]);
  assert.equal(t.provider.calls('observations'), 4);
});

test('a provider that stays down: bounded retries inside the time budget, then a retryable failure', async () => {
  const t = rig('site-meter');
  // Every answer takes 20 s before its 503.
  t.provider.fallback = () => {
    t.timer.advance(20_000);
    return json({ error: 'down' }, 503);
  };
  await assert.rejects(t.run({ budgetMs: 60_000, retry: { maxRetries: 10 } }), (err: unknown) => {
    assert.ok(err instanceof ProviderHttpError);
    assert.ok(err.canRetry());
    assert.match(err.message, /time budget leaves no room/);
    return true;
  });
  assert.ok(t.timer.nowMs() <= 61_000, `ran for ${t.timer.nowMs()} ms`);
  assert.ok(t.provider.calls('observations') < 4);
  assert.equal(await t.watermark(), undefined);
});

test('the breaker: opens after 3 failed runs, then runs skip without calling; one trial call after the cool-down', async () => {
  const t = rig('site-meter');
  t.provider.fallback = () => json({ error: 'down' }, 503);
  for (let i = 0; i < 3; i++) {
    await assert.rejects(t.run(), ProviderError);
    t.clock.advanceMinutes(5);
  }
  const state = await t.breaker();
  assert.deepEqual(
    [state.state, state.consecutiveFailures, state.lastError.code, state.lastError.status],
    ['open', 3, 'PROVIDER_HTTP', 503],
  );
  const calls = t.provider.calls('observations');
  assert.equal(calls, 15, 'three runs of five attempts');

  const skipped = await t.run();
  assert.equal(t.provider.calls('observations'), calls, 'no call while open');
  assert.equal(skipped.breaker, 'open');
  assert.match(
    skipped.skipped?.reason ?? '',
    /circuit breaker of "site-meter" is open since 2026-06-01T12:10:00.000Z after 3 failed run\(s\); last error: .*HTTP 503.*; next trial call after 2026-06-01T12:20:00.000Z/,
  );
  assert.deepEqual([skipped.pages, skipped.received], [0, 0]);

  // After the cool-down: one trial call, not retried; it fails, so the breaker opens again.
  t.clock.advanceMinutes(5);
  await assert.rejects(t.run(), ProviderError);
  assert.equal(t.provider.calls('observations'), calls + 1);
  assert.deepEqual([(await t.breaker()).state, (await t.breaker()).retryAt], ['open', '2026-06-01T12:30:00.000Z']);

  // The provider is back: the next trial succeeds, the breaker closes and the run goes on reading.
  t.clock.advanceMinutes(10);
  t.provider.fallback = () => json({ items: [], next: null });
  t.provider.pages.push(
    pageBody([rec('2026-06-01T11:20:00Z')], '2026-06-01T11:56:00Z'),
    pageBody([rec('2026-06-01T11:30:00Z')]),
  );
  const back = await t.run();
  assert.deepEqual([back.stored, back.breaker, back.caughtUp], [2, 'closed', true]);
  assert.deepEqual([(await t.breaker()).state, (await t.breaker()).consecutiveFailures], ['closed', 0]);
});

test('a refusal (401) fails the run without retries and is not counted by the breaker', async () => {
  const t = rig('site-meter');
  t.provider.fallback = () => json({ error: 'missing or wrong API key' }, 401);
  for (let i = 0; i < 4; i++)
    await assert.rejects(t.run(), (err: unknown) => err instanceof ProviderHttpError && !err.canRetry());
  assert.equal(t.provider.calls('observations'), 4);
  assert.equal(await t.breaker(), null);
});

const imageRecord = (observedAt: string, path = `/images/park-1/${observedAt}.png`) =>
  `{"site":"park-1","observedAt":"${observedAt}","publishedAt":"2026-06-01T11:55:00Z","imageUrl":"${path}"}`;

test('images: corrupt, truncated, empty, wrong-type and oversized pictures go to quarantine with the reason; good ones are stored', async () => {
  const t = rig('skycam');
  const broken = await brokenImages(MAX_IMAGE_BYTES);
  const items: string[] = [];
  broken.forEach((b, i) => {
    const observedAt = new Date(Date.parse('2026-06-01T09:00:00Z') + i * 600_000).toISOString();
    items.push(imageRecord(observedAt));
    t.provider.images.set(
      `/images/park-1/${observedAt}.png`,
      () => new Response(b.bytes, { headers: { 'content-type': b.contentType } }),
    );
  });
  t.provider.images.set(
    '/images/park-1/2026-06-01T11:00:00.000Z.png',
    new Response(await skyPng(), { headers: { 'content-type': 'image/png' } }),
  );
  t.provider.images.set(
    '/images/park-1/2026-06-01T11:10:00.000Z.png',
    new Response(await skyJpeg(), { headers: { 'content-type': 'image/png' } }),
  );
  items.push(imageRecord('2026-06-01T11:00:00.000Z'), imageRecord('2026-06-01T11:10:00.000Z'));
  t.provider.pages.push(pageBody(items));
  const r = await t.run();
  assert.deepEqual([r.received, r.stored, r.quarantined], [broken.length + 2, 2, broken.length]);
  assert.deepEqual(storedPictures(t.blobs), [
    'skycam/park-1/2026-06-01/2026-06-01T11:00:00.000Z.png',
    'skycam/park-1/2026-06-01/2026-06-01T11:10:00.000Z.jpeg',
  ]);
  // One manifest for the page, listing what it stored (preprocess-image runs once on it), none of the rejects.
  assert.deepEqual(await manifests(t.blobs), [storedPictures(t.blobs)]);
  const entries = await t.quarantined();
  for (const b of broken) {
    const entry = entries.find((e) => b.reason.test(e.reason));
    assert.ok(
      entry,
      `${b.name}: a quarantine entry matching ${b.reason}; got ${entries.map((e) => e.reason).join(' | ')}`,
    );
    const kept = b.bytes.length === 0 ? undefined : b.bytes.subarray(0, MAX_IMAGE_BYTES + 1);
    if (kept) assert.ok(entry.binBytes?.equals(kept), `${b.name}: the bytes are kept (up to the limit)`);
    assert.ok(
      entry.recordText?.includes('imageUrl') || entry.bin?.includes('imageUrl'),
      `${b.name}: the record is kept`,
    );
  }
});

test('images: one the provider refuses (404) is quarantined; one that keeps failing (503) fails the run, and the next run does not fetch the stored ones again', async () => {
  const t = rig('skycam');
  t.provider.images.set(
    '/images/park-1/a.png',
    new Response(await skyPng(), { headers: { 'content-type': 'image/png' } }),
  );
  t.provider.images.set('/images/park-1/c.png', () => json({ error: 'busy' }, 503));
  const page = pageBody([
    imageRecord('2026-06-01T11:00:00.000Z', '/images/park-1/a.png'),
    imageRecord('2026-06-01T11:10:00.000Z', '/images/park-1/gone.png'),
    imageRecord('2026-06-01T11:20:00.000Z', '/images/park-1/c.png'),
  ]);
  t.provider.pages.push(page, page);
  await assert.rejects(
    t.run(),
    (err: unknown) => err instanceof ProviderHttpError && err.status === 503 && err.canRetry(),
  );
  assert.equal(await t.watermark(), undefined, 'the page is read again next run');
  assert.deepEqual(storedPictures(t.blobs), ['skycam/park-1/2026-06-01/2026-06-01T11:00:00.000Z.png']);
  assert.deepEqual(await manifests(t.blobs), [], 'the failed page wrote no manifest');
  assert.match((await t.quarantined())[0]?.reason ?? '', /image could not be fetched: .*HTTP 404/);

  t.provider.images.set(
    '/images/park-1/c.png',
    new Response(await skyPng(), { headers: { 'content-type': 'image/png' } }),
  );
  const fetched = t.provider.calls('images');
  const r = await t.run();
  assert.deepEqual([r.stored, r.duplicates, r.quarantined], [1, 1, 1]);
  assert.equal(t.provider.calls('images') - fetched, 2, 'the stored picture is not downloaded again');
  assert.equal(storedPictures(t.blobs).length, 2);
  // The picture the failed run stored is listed again: its features are computed from this manifest.
  assert.deepEqual(await manifests(t.blobs), [storedPictures(t.blobs)]);
  // A third run of the same page: everything is in the state, nothing to list, no new manifest.
  t.provider.pages.push(page);
  await t.run();
  assert.equal((await manifests(t.blobs)).length, 1);
});

test('the page cursor is checked against the app clock (virtual in the local stack), not the wall clock', async () => {
  const t = rig('site-meter');
  // Years ahead of the real time, as the local stack's fast clock gets.
  t.clock.set('2031-01-01T12:00:00Z');
  const rec2031 = `{"site":"park-1","observedAt":"2031-01-01T11:20:00Z","publishedAt":"2031-01-01T11:50:00Z","values":{"power_kw":1,"ghi_wm2":2}}`;
  t.provider.pages.push(pageBody([rec2031], '2031-01-01T11:50:00Z'));
  const r = await t.run({ initialSince: new Date('2031-01-01T06:00:00Z') });
  assert.deepEqual([r.stored, r.quarantinedPages], [1, 0]);
  assert.equal(await t.watermark(), '2031-01-01T11:50:00.000Z');
});

test('images: a first read marks pictures without publishedAt as backfilled, in the metadata the preprocessor carries over', async () => {
  const t = rig('skycam');
  t.provider.images.set(
    '/images/park-1/a.png',
    new Response(await skyPng(), { headers: { 'content-type': 'image/png' } }),
  );
  t.provider.images.set(
    '/images/park-1/b.png',
    new Response(await skyPng(), { headers: { 'content-type': 'image/png' } }),
  );
  t.provider.pages.push(
    pageBody([
      imageRecord('2026-06-01T11:00:00.000Z', '/images/park-1/a.png'),
      '{"site":"park-1","observedAt":"2026-06-01T11:10:00.000Z","imageUrl":"/images/park-1/b.png"}',
    ]),
  );
  assert.equal((await t.run()).stored, 2);
  const meta = (name: string) =>
    t.blobs.blobs.get(`${CONTAINERS.images}/skycam/park-1/2026-06-01/${name}.png`)?.metadata ?? {};
  assert.equal(meta('2026-06-01T11:00:00.000Z')['publishedat'], '2026-06-01T11:55:00.000Z');
  assert.equal(meta('2026-06-01T11:00:00.000Z')['backfilled'], undefined, 'publishedAt says when it was available');
  assert.equal(meta('2026-06-01T11:10:00.000Z')['backfilled'], 'true');
});
