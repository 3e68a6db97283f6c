import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preprocessImage } from '../../../shared/features/preprocessImage';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { brokenImages, skyJpeg, skyPng } from '../../support/images';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

const NAME = 'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png';
const MAX_BYTES = 30_000;

function setup() {
  const config = testConfig();
  const skycam = config.sources.find((s) => s.id === 'skycam');
  assert.ok(skycam);
  skycam.maxImageBytes = MAX_BYTES;
  const blobs = new MemoryBlobStore();
  const deps = { blobs, clock: new FixedClock(new Date('2026-06-01T12:00:07Z')), config };
  const state = () =>
    [...blobs.blobs.entries()].map(([k, v]) => [k, v.body.toString('base64'), JSON.stringify(v.metadata)]).sort();
  return { blobs, deps, state };
}

test('corrupt, truncated, zero-byte, wrong-type and oversized pictures go to quarantine with the reason; nothing is thrown', async () => {
  for (const b of await brokenImages(MAX_BYTES)) {
    const t = setup();
    const outcome = await preprocessImage(NAME, b.bytes, t.deps);
    assert.equal(outcome.status, 'quarantined', b.name);
    assert.match('reason' in outcome ? outcome.reason : '', b.reason, b.name);
    assert.deepEqual(t.blobs.names(CONTAINERS.features), [], `${b.name}: no features`);
    const names = t.blobs.names(CONTAINERS.quarantine);
    const entry = JSON.parse(
      (await t.blobs.get(CONTAINERS.quarantine, names.find((n) => n.endsWith('.json')) ?? ''))?.body.toString() ?? '{}',
    );
    assert.match(entry.reason, b.reason, b.name);
    assert.deepEqual(entry.record, { blob: `images/${NAME}`, bytes: b.bytes.length });
    if (b.bytes.length > 0) {
      const kept = await t.blobs.get(CONTAINERS.quarantine, entry.bytes);
      assert.ok(
        kept?.body.equals(b.bytes.subarray(0, MAX_BYTES + 1)),
        `${b.name}: its bytes are kept (up to the limit)`,
      );
    }
  }
});

test('a picture that passes the structural check but cannot be decoded is quarantined too', async () => {
  const t = setup();
  // A JPEG whose scan data is garbage: headers and end marker intact.
  const jpeg = Buffer.from(await skyJpeg(64));
  const sos = jpeg.lastIndexOf(Buffer.from([0xff, 0xda]));
  for (let i = sos + 20; i < jpeg.length - 2; i++) jpeg[i] = 0xff;
  const outcome = await preprocessImage(NAME.replace('.png', '.jpeg'), jpeg, t.deps);
  assert.equal(outcome.status, 'quarantined');
  assert.deepEqual(t.blobs.names(CONTAINERS.features), []);
});

test('blob names that are not ours are ignored with the reason, never thrown on', async () => {
  const png = await skyPng();
  const names = [
    'skycam/park-1/2026-06-01/2026-13-45T99:99:99.000Z.png',
    'skycam/park-1/2026-06-02/2026-06-01T11:30:00.000Z.png',
    'skycam/park-9/2026-06-01/2026-06-01T11:30:00.000Z.png',
    'site-meter/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png',
    'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.bmp',
    '../skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png',
    `skycam/${'x'.repeat(5000)}`,
    '',
  ];
  for (const name of names) {
    const t = setup();
    const outcome = await preprocessImage(name, png, t.deps);
    assert.equal(outcome.status, 'ignored', name.slice(0, 80));
    assert.ok('reason' in outcome && outcome.reason.length < 400);
    assert.equal(t.blobs.blobs.size, 0);
  }
});

test('running it twice on the same blob (the platform retries) leaves the same state, for a good and a broken picture', async () => {
  for (const bytes of [await skyPng(), Buffer.from('<html>502</html>')]) {
    const t = setup();
    const first = await preprocessImage(NAME, bytes, t.deps);
    const after = t.state();
    const again = await preprocessImage(NAME, bytes, t.deps);
    assert.deepEqual(t.state(), after);
    assert.equal(again.status, first.status === 'stored' ? 'duplicate' : 'quarantined');
  }
});

test("features carry the picture's publishedAt or backfill marker, so a backlog computed late does not look like a live delay", async () => {
  const cases: { metadata: Record<string, string>; expect: { publishedAt?: string; backfilled?: boolean } }[] = [
    { metadata: { publishedat: '2026-06-01T11:58:00.000Z' }, expect: { publishedAt: '2026-06-01T11:58:00.000Z' } },
    { metadata: { backfilled: 'true' }, expect: { backfilled: true } },
    { metadata: {}, expect: {} },
  ];
  for (const c of cases) {
    const t = setup();
    const png = await skyPng();
    await t.blobs.putIfAbsent(CONTAINERS.images, NAME, png, {
      metadata: {
        source: 'skycam',
        site: 'park-1',
        observedat: '2026-06-01T11:30:00.000Z',
        availableat: '2026-06-01T11:59:00.000Z',
        ...c.metadata,
      },
    });
    assert.equal((await preprocessImage(NAME, png, t.deps)).status, 'stored');
    const stored = JSON.parse(
      (await t.blobs.get(CONTAINERS.features, NAME.replace('.png', '.json')))?.body.toString() ?? '{}',
    );
    assert.equal(stored.availableAt, '2026-06-01T12:00:07.000Z', 'available when the features were computed');
    assert.equal(stored.publishedAt, c.expect.publishedAt, JSON.stringify(c.metadata));
    assert.equal(stored.backfilled, c.expect.backfilled, JSON.stringify(c.metadata));
    const listed = t.blobs.blobs.get(`${CONTAINERS.features}/${NAME.replace('.png', '.json')}`)?.metadata ?? {};
    assert.equal(listed['backfilled'], 'backfilled' in c.expect ? 'true' : undefined, 'the listing says so too');
  }
});

test('a picture whose features are stored is not decoded again (the trigger after a backfill): same outcome, no quarantine', async () => {
  const t = setup();
  const first = await preprocessImage(NAME, await skyPng(), t.deps);
  assert.equal(first.status, 'stored');
  const after = t.state();
  // Bytes that would be quarantined if they were decoded: the stored features answer first.
  const again = await preprocessImage(NAME, Buffer.from('not a picture'), t.deps);
  assert.equal(again.status, 'duplicate');
  assert.deepEqual('features' in again ? again.features : undefined, 'features' in first ? first.features : undefined);
  assert.deepEqual(t.state(), after);
});
