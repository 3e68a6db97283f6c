import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { BlobEventRelay } from '../../../local/emulators/BlobEventRelay';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

function host(
  initial = 202,
): Promise<{ server: Server; url: string; calls: { path: string; body: unknown }[]; setStatus: (s: number) => void }> {
  const calls: { path: string; body: unknown }[] = [];
  let status = initial;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      calls.push({ path: `${req.method} ${req.url}`, body: JSON.parse(text) });
      res.statusCode = status;
      res.end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
        setStatus: (s) => (status = s),
      }),
    ),
  );
}

/** A manifest of an ingest page's pictures: what the Event Grid subscription (and so the relay) delivers. */
const pic = (m: number) => `_batches/skycam/2026-06-01/${String(m).padStart(32, '0')}.json`;
const picture = (m: number) => `skycam/park-1/2026-06-01/2026-06-01T11:${String(m).padStart(2, '0')}:00.000Z.png`;

test('new manifests run preprocess-image through the admin endpoint, once each; pictures themselves and manifests there at start are not delivered', async () => {
  const blobs = new MemoryBlobStore();
  await blobs.putIfAbsent('images', pic(0), 'x');
  const h = await host();
  try {
    const relay = new BlobEventRelay(blobs, {
      container: 'images',
      prefix: '_batches/',
      functionName: 'preprocess-image',
      hostUrl: h.url,
      intervalMs: 10,
    });
    assert.deepEqual(await relay.pass(), { delivered: [], pending: 0 }, 'the backfill made features for what is there');
    await blobs.putIfAbsent('images', pic(10), 'x');
    await blobs.putIfAbsent('images', picture(15), 'x');
    await blobs.putIfAbsent('images', pic(20), 'x');
    assert.deepEqual((await relay.pass()).delivered, [pic(10), pic(20)], 'a picture is in a manifest, not an event');
    assert.deepEqual(h.calls, [
      { path: 'POST /admin/functions/preprocess-image', body: { input: `images/${pic(10)}` } },
      { path: 'POST /admin/functions/preprocess-image', body: { input: `images/${pic(20)}` } },
    ]);
    assert.deepEqual((await relay.pass()).delivered, [], 'nothing twice');
  } finally {
    h.server.close();
  }
});

test('while func start is not running, manifests wait with a message that says so', async () => {
  const blobs = new MemoryBlobStore();
  const closed = await host();
  await new Promise((r) => closed.server.close(r));
  const relay = new BlobEventRelay(blobs, {
    container: 'images',
    prefix: '_batches/',
    functionName: 'preprocess-image',
    hostUrl: closed.url,
    intervalMs: 10,
  });
  await relay.pass();
  await blobs.putIfAbsent('images', pic(30), 'x');
  const p = await relay.pass();
  assert.deepEqual([p.delivered, p.pending], [[], 1]);
  assert.match(p.error ?? '', /is not answering .*is `func start` running\?/);
});

test('a manifest the host refuses is offered again on the next pass, and goes once it is taken', async () => {
  const blobs = new MemoryBlobStore();
  const h = await host(500);
  try {
    const relay = new BlobEventRelay(blobs, {
      container: 'images',
      prefix: '_batches/',
      functionName: 'preprocess-image',
      hostUrl: h.url,
      intervalMs: 10,
    });
    await relay.pass();
    await blobs.putIfAbsent('images', pic(40), 'x');
    const refused = await relay.pass();
    assert.equal(refused.pending, 1);
    assert.match(refused.error ?? '', /answered 500/);
    h.setStatus(202);
    assert.deepEqual((await relay.pass()).delivered, [pic(40)]);
    assert.equal(h.calls.length, 2, 'offered twice, taken once');
  } finally {
    h.server.close();
  }
});

test('run() passes until aborted and reports what it relayed', async () => {
  const blobs = new MemoryBlobStore();
  const h = await host();
  try {
    const relay = new BlobEventRelay(blobs, {
      container: 'images',
      prefix: '_batches/',
      functionName: 'preprocess-image',
      hostUrl: h.url,
      intervalMs: 5,
    });
    const stop = new AbortController();
    const heard: string[] = [];
    const running = relay.run(stop.signal, (p) => {
      heard.push(...p.delivered);
      if (heard.length > 0) stop.abort();
    });
    await new Promise((r) => setTimeout(r, 30));
    await blobs.putIfAbsent('images', pic(50), 'x');
    await running;
    assert.deepEqual(heard, [pic(50)]);
  } finally {
    h.server.close();
  }
});
