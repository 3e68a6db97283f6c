import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preprocessPictures } from '../../../shared/features/preprocessPictures';
import { recentStateName, RecentStateStore } from '../../../shared/sources/RecentStateStore';
import {
  type BlobContent,
  type BlobStore,
  CONTAINERS,
  type PutOptions,
  StorageUnavailableError,
} from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { brokenImages, skyJpeg, skyPng } from '../../support/images';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';
import { batchBlobName } from '../../../shared/sources/observationBatches';
import { storedNames, storedObservation, storedObservations, storedRecords } from '../../support/storedObservations';

const NOW = '2026-06-01T12:00:07Z';
const MAX_BYTES = 30_000;
const picture = (minute: number, site = 'park-1', ext = 'png'): string =>
  `skycam/${site}/2026-06-01/2026-06-01T11:${String(minute).padStart(2, '0')}:00.000Z.${ext}`;
const featuresOf = (name: string): string => name.replace(/\.[a-z]+$/, '.json');

/** A memory store that counts requests, tracks downloads in flight, and fails the writes it is told to. */
class WatchedBlobStore extends MemoryBlobStore {
  readonly calls = { get: 0, put: 0, list: 0 };
  readonly gets: string[] = [];
  downloading = 0;
  maxDownloading = 0;
  failWrites = new Set<string>();
  failReads = new Set<string>();

  override async get(container: string, name: string): Promise<BlobContent | undefined> {
    this.calls.get++;
    this.gets.push(`${container}/${name}`);
    if (this.failReads.has(`${container}/${name}`))
      throw new StorageUnavailableError(`Blob Storage did not answer for ${container}/${name} (timeout)`);
    if (container !== CONTAINERS.images) return super.get(container, name);
    this.maxDownloading = Math.max(this.maxDownloading, ++this.downloading);
    try {
      await new Promise((r) => setTimeout(r, 2));
      return await super.get(container, name);
    } finally {
      this.downloading--;
    }
  }
  override async put(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<string> {
    this.calls.put++;
    if (this.failWrites.has(`${container}/${name}`))
      throw new StorageUnavailableError(`Blob Storage refused ${container}/${name} (503)`);
    return super.put(container, name, body, options);
  }
  override list(container: string, prefix: string) {
    this.calls.list++;
    return super.list(container, prefix);
  }
}

function setup() {
  const config = testConfig();
  const skycam = config.sources.find((s) => s.id === 'skycam');
  assert.ok(skycam);
  skycam.maxImageBytes = MAX_BYTES;
  config.sites.push({ ...(config.sites[0] as (typeof config.sites)[number]), id: 'park-2' });
  const blobs = new WatchedBlobStore();
  const deps = { blobs, clock: new FixedClock(new Date(NOW)), config };
  const state = () =>
    [...blobs.blobs.entries()].map(([k, v]) => [k, v.body.toString('base64'), JSON.stringify(v.metadata)]).sort();
  const store = async (name: string, bytes: Buffer, metadata: Record<string, string> = {}) =>
    blobs.putIfAbsent(CONTAINERS.images, name, bytes, { metadata });
  const recent = async () => (await new RecentStateStore(blobs).read(CONTAINERS.features, 'skycam'))?.state;
  return { blobs, deps, state, store, recent };
}

test('a batch with broken pictures: each is quarantined alone with its reason and bytes, the rest get features', async () => {
  const t = setup();
  const broken = await brokenImages(MAX_BYTES);
  const names = [picture(0), ...broken.map((_, i) => picture(i + 1)), picture(50, 'park-1', 'jpeg')];
  await t.store(picture(0), await skyPng());
  for (const [i, b] of broken.entries()) await t.store(picture(i + 1), b.bytes);
  await t.store(picture(50, 'park-1', 'jpeg'), await skyJpeg());

  const outcomes = await preprocessPictures(names, t.deps);
  assert.deepEqual(
    outcomes.map((o) => [o.picture, o.status]),
    names.map((n, i) => [n, i === 0 || i === names.length - 1 ? 'stored' : 'quarantined']),
  );
  for (const [i, b] of broken.entries()) {
    const o = outcomes[i + 1];
    assert.match(o && 'reason' in o ? o.reason : '', b.reason, b.name);
  }
  assert.deepEqual(await storedNames(t.blobs, CONTAINERS.features), [
    featuresOf(picture(0)),
    featuresOf(picture(50, 'park-1', 'jpeg')),
  ]);
  const entries = t.blobs.names(CONTAINERS.quarantine).filter((n) => n.endsWith('.json'));
  assert.equal(entries.length, broken.length, 'one quarantine entry per broken picture');
  for (const name of entries) {
    const entry = JSON.parse((await t.blobs.get(CONTAINERS.quarantine, name))?.body.toString() ?? '{}');
    const i = names.indexOf(String(entry.record.blob).replace('images/', ''));
    const b = broken[i - 1];
    assert.ok(b, entry.record.blob);
    assert.match(entry.reason, b.reason, b.name);
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
  const name = picture(30, 'park-1', 'jpeg');
  await t.store(name, jpeg);
  const [outcome] = await preprocessPictures([name], t.deps);
  assert.equal(outcome?.status, 'quarantined');
  assert.deepEqual(await storedNames(t.blobs, CONTAINERS.features), []);
});

test('names that are not pictures of ours are ignored with the reason, a picture deleted since is missing; never thrown on', async () => {
  const t = setup();
  const png = await skyPng();
  const names = [
    'skycam/park-1/2026-06-01/2026-13-45T99:99:99.000Z.png',
    'skycam/park-1/2026-06-02/2026-06-01T11:30:00.000Z.png',
    'skycam/park-9/2026-06-01/2026-06-01T11:30:00.000Z.png',
    'site-meter/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png',
    'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.bmp',
    '../skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png',
    '_batches/skycam/2026-06-01/0123.json',
    `skycam/${'x'.repeat(5000)}`,
    '',
  ];
  for (const name of names) await t.blobs.putIfAbsent(CONTAINERS.images, name, png);
  const before = t.state();
  const outcomes = await preprocessPictures([...names, picture(40)], t.deps);
  for (const [i, o] of outcomes.entries()) {
    assert.equal(o.status, i < names.length ? 'ignored' : 'missing', o.picture.slice(0, 80));
    assert.ok('reason' in o && o.reason.length < 400);
  }
  assert.match((outcomes.at(-1) as { reason: string }).reason, /no longer stored/);
  assert.deepEqual(t.state(), before, 'nothing written');
});

test('a retried batch writes nothing new and downloads only what is not done: the state settles the pictures', async () => {
  const t = setup();
  const names = [picture(0), picture(10), picture(0, 'park-2'), picture(20)];
  for (const n of names.slice(0, 3)) await t.store(n, await skyPng());
  await t.store(picture(20), Buffer.from('<html>502</html>'));
  const first = await preprocessPictures(names, t.deps);
  assert.deepEqual(
    first.map((o) => o.status),
    ['stored', 'stored', 'stored', 'quarantined'],
  );
  const after = t.state();
  const calls = { ...t.blobs.calls };
  const gets = t.blobs.gets.length;

  const again = await preprocessPictures(names, t.deps);
  assert.deepEqual(t.state(), after, 'the same blobs, byte for byte');
  assert.deepEqual(
    again.map((o) => o.status),
    ['duplicate', 'duplicate', 'duplicate', 'quarantined'],
  );
  assert.deepEqual(
    again.slice(0, 3).map((o) => ('features' in o ? o.features : undefined)),
    first.slice(0, 3).map((o) => ('features' in o ? o.features : undefined)),
    'the features as stored, from the state',
  );
  // The features state once, and the broken picture (it has no features to be settled by).
  assert.deepEqual(t.blobs.gets.slice(gets), [
    `state/${recentStateName('features', 'skycam')}`,
    `images/${picture(20)}`,
  ]);
  assert.equal(t.blobs.calls.list, calls.list, 'no listing');
});

test("the batch's features reach the recent state in one write, without inbox blobs; availableAt is when they were computed", async () => {
  const t = setup();
  const names = [picture(0), picture(0, 'park-2'), picture(10)];
  for (const n of names) await t.store(n, await skyPng(), { publishedat: '2026-06-01T11:58:00.000Z' });
  const puts = t.blobs.calls.put;
  await preprocessPictures(names, t.deps);
  // The three features in one batch, and the state (created here, so also seeded from listings first).
  assert.equal(t.blobs.calls.put - puts, 2);
  assert.deepEqual(
    t.blobs.names(CONTAINERS.state).filter((n) => n.startsWith('inbox/')),
    [],
    'no inbox entry per picture',
  );
  const state = await t.recent();
  assert.deepEqual(
    [...(state?.sites ?? [])].map(([site, list]) => [site, list.map((e) => new Date(e.observedAt).toISOString())]),
    [
      ['park-1', ['2026-06-01T11:00:00.000Z', '2026-06-01T11:10:00.000Z']],
      ['park-2', ['2026-06-01T11:00:00.000Z']],
    ],
  );
  for (const e of state?.sites.get('park-1') ?? []) {
    assert.equal(new Date(e.availableAt).toISOString(), '2026-06-01T12:00:07.000Z');
    assert.equal(new Date(e.publishedAt ?? 0).toISOString(), '2026-06-01T11:58:00.000Z');
    assert.ok(e.values && 'cloud_all' in e.values);
  }
});

test('a picture listed twice in a batch, or in two batches, is decoded and stored once', async () => {
  const t = setup();
  await t.store(picture(0), await skyPng());
  const outcomes = await preprocessPictures([picture(0), picture(0)], t.deps);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['stored', 'duplicate'],
  );
  assert.equal(t.blobs.gets.filter((g) => g === `images/${picture(0)}`).length, 1, 'downloaded once');
  const after = t.state();
  const [second] = await preprocessPictures([picture(0)], t.deps);
  assert.equal(second?.status, 'duplicate');
  assert.deepEqual(t.state(), after);
});

test('a backfilled picture (days old, no publishedAt) gets features marked backfilled; a retry settles it from its features blob', async () => {
  const t = setup();
  const name = 'skycam/park-1/2026-05-25/2026-05-25T11:30:00.000Z.png';
  await t.store(name, await skyPng(), {
    source: 'skycam',
    site: 'park-1',
    observedat: '2026-05-25T11:30:00.000Z',
    availableat: '2026-06-01T11:59:00.000Z',
    backfilled: 'true',
  });
  const [first] = await preprocessPictures([name], t.deps);
  assert.equal(first?.status, 'stored');
  const stored =
    (await storedObservation(t.blobs, CONTAINERS.features, featuresOf(name))) ?? assert.fail('no features stored');
  assert.equal(stored.backfilled, true);
  assert.equal(stored.publishedAt, undefined);
  assert.equal(stored.availableAt, '2026-06-01T12:00:07.000Z', 'available when computed');
  // Older than the state remembers anything: no entry (the state is not even created for it).
  assert.equal(await t.recent(), undefined);

  const after = t.state();
  const gets = t.blobs.gets.length;
  const [again] = await preprocessPictures([name], t.deps);
  assert.equal(again?.status, 'duplicate');
  assert.deepEqual(t.state(), after);
  assert.ok(
    !t.blobs.gets.slice(gets).includes(`images/${name}`),
    'the stored features answer; the picture is not downloaded again',
  );
});

test("features carry the picture's publishedAt or backfill marker, so a backlog computed late does not look like a live delay", async () => {
  const cases: { metadata: Record<string, string>; expect: { publishedAt?: string; backfilled?: boolean } }[] = [
    { metadata: { publishedat: '2026-06-01T11:58:00.000Z' }, expect: { publishedAt: '2026-06-01T11:58:00.000Z' } },
    { metadata: { backfilled: 'true' }, expect: { backfilled: true } },
    { metadata: {}, expect: {} },
  ];
  for (const c of cases) {
    const t = setup();
    await t.store(picture(30), await skyPng(), c.metadata);
    const [outcome] = await preprocessPictures([picture(30)], t.deps);
    assert.equal(outcome?.status, 'stored');
    const stored =
      (await storedObservation(t.blobs, CONTAINERS.features, featuresOf(picture(30)))) ??
      assert.fail('no features stored');
    assert.equal(stored.availableAt, '2026-06-01T12:00:07.000Z', 'available when the features were computed');
    assert.equal(stored.publishedAt, c.expect.publishedAt, JSON.stringify(c.metadata));
    assert.equal(stored.backfilled, c.expect.backfilled, JSON.stringify(c.metadata));
  }
});

test('a storage failure is thrown (the trigger retries) after the rest of the batch is stored and merged; the retry completes it', async () => {
  const t = setup();
  const names = [picture(0), picture(10), picture(20)];
  for (const n of names) await t.store(n, await skyPng());
  t.blobs.failReads.add(`images/${picture(10)}`);
  await assert.rejects(preprocessPictures(names, t.deps), StorageUnavailableError);
  assert.deepEqual(await storedNames(t.blobs, CONTAINERS.features), [featuresOf(picture(0)), featuresOf(picture(20))]);
  assert.deepEqual(
    (await t.recent())?.sites.get('park-1')?.map((e) => new Date(e.observedAt).toISOString().slice(11, 16)),
    ['11:00', '11:20'],
    'what was stored is in the state',
  );

  t.blobs.failReads.clear();
  const gets = t.blobs.gets.length;
  const retry = await preprocessPictures(names, t.deps);
  assert.deepEqual(
    retry.map((o) => o.status),
    ['duplicate', 'stored', 'duplicate'],
  );
  assert.deepEqual(
    t.blobs.gets.slice(gets).filter((g) => g.startsWith('images/')),
    [`images/${picture(10)}`],
    'only the failed picture is downloaded again',
  );
  assert.equal((await t.recent())?.sites.get('park-1')?.length, 3);
});

test('a features write that fails is thrown; nothing is merged, and the retry stores the batch once', async () => {
  const t = setup();
  const names = [picture(0), picture(10)];
  for (const n of names) await t.store(n, await skyPng());
  const batch = batchBlobName(
    'skycam',
    ['11:00', '11:10'].map((hm) => ({ site: 'park-1', observedAt: `2026-06-01T${hm}:00.000Z` })),
  );
  t.blobs.failWrites.add(`features/${batch}`);
  await assert.rejects(preprocessPictures(names, t.deps), /refused/);
  assert.deepEqual(await storedNames(t.blobs, CONTAINERS.features), []);
  t.blobs.failWrites.clear();
  const retry = await preprocessPictures(names, t.deps);
  assert.deepEqual(
    retry.map((o) => o.status),
    ['stored', 'stored'],
  );
  assert.deepEqual(t.blobs.names(CONTAINERS.features), [batch], 'one batch');
  assert.equal((await t.recent())?.sites.get('park-1')?.length, 2);
});

test('features stored by an execution that failed before its merge are merged by the retry, with their first availableAt', async () => {
  const t = setup();
  await t.store(picture(0), await skyPng());
  await t.store(picture(10), await skyPng());
  // The first execution: both stored, the state merge refused.
  await preprocessPictures([picture(0)], t.deps);
  t.blobs.failWrites.add(`state/${recentStateName('features', 'skycam')}`);
  await assert.rejects(preprocessPictures([picture(10)], t.deps), StorageUnavailableError);
  assert.equal((await storedNames(t.blobs, CONTAINERS.features)).length, 2);
  assert.equal((await t.recent())?.sites.get('park-1')?.length, 1);

  t.blobs.failWrites.clear();
  const later = { ...t.deps, clock: new FixedClock(new Date('2026-06-01T12:05:00Z')) };
  const [retry] = await preprocessPictures([picture(10)], later);
  assert.equal(retry?.status, 'duplicate');
  const entry = (await t.recent())?.sites.get('park-1')?.[1];
  assert.equal(new Date(entry?.availableAt ?? 0).toISOString(), '2026-06-01T12:00:07.000Z', 'the first availableAt');
});

test('a retry with other pictures than the failed execution stores the features it already stored once, with their first availableAt', async () => {
  const t = setup();
  for (const m of [0, 10, 20]) await t.store(picture(m), await skyPng());
  await preprocessPictures([picture(0)], t.deps);
  // The failed execution: the features of 11:10 stored in a batch, the merge into the state refused.
  t.blobs.failWrites.add(`state/${recentStateName('features', 'skycam')}`);
  await assert.rejects(preprocessPictures([picture(10)], t.deps), StorageUnavailableError);
  t.blobs.failWrites.clear();

  // Its retry comes with another set of pictures (a later manifest that lists it again), so another batch name.
  const later = { ...t.deps, clock: new FixedClock(new Date('2026-06-01T12:05:00Z')) };
  const retry = await preprocessPictures([picture(10), picture(20)], later);
  assert.deepEqual(
    retry.map((o) => o.status),
    ['duplicate', 'stored'],
  );
  const stored = await storedRecords(t.blobs, CONTAINERS.features);
  assert.deepEqual(
    stored.map((o) => `${o.observedAt.slice(11, 16)} ${o.availableAt}`).sort(),
    ['11:00 2026-06-01T12:00:07.000Z', '11:10 2026-06-01T12:00:07.000Z', '11:20 2026-06-01T12:05:00.000Z'],
    "each picture stored once, 11:10 with the failed execution's availableAt",
  );
  const state = (await t.recent())?.sites.get('park-1') ?? [];
  assert.deepEqual(
    state.map((e) => `${new Date(e.observedAt).toISOString().slice(11, 16)} ${new Date(e.availableAt).toISOString()}`),
    ['11:00 2026-06-01T12:00:07.000Z', '11:10 2026-06-01T12:00:07.000Z', '11:20 2026-06-01T12:05:00.000Z'],
    'the state has what the blobs have',
  );
});

test('pictures are downloaded and decoded with bounded concurrency', async () => {
  const t = setup();
  const names = Array.from({ length: 24 }, (_, i) => picture(i + 10));
  for (const n of names) await t.store(n, await skyPng());
  const outcomes = await preprocessPictures(names, t.deps, { concurrency: 3 });
  assert.ok(outcomes.every((o) => o.status === 'stored'));
  assert.equal(t.blobs.maxDownloading, 3);
});

test('two executions at once over overlapping pictures (a redelivered event, two instances): the state and the stored features agree, each picture once', async () => {
  const t = setup();
  for (const m of [0, 10, 20, 30]) await t.store(picture(m), await skyPng());
  const at = (iso: string, blobs: BlobStore = t.blobs) => ({ ...t.deps, blobs, clock: new FixedClock(new Date(iso)) });
  // A state already there (a state made now would be seeded from the stored batches, whatever the order).
  await preprocessPictures([picture(0)], at('2026-06-01T12:00:05Z'));
  // The order that went wrong, made certain. Each execution lists the day's feature batches before the other stored
  // its own (so neither finds the other's to merge), the first stores its features first, and the later execution
  // merges the state first (the first's write then finds the state changed and merges again).
  const signal = () => {
    let done!: () => void;
    const promise = new Promise<void>((resolve) => (done = resolve));
    return { promise, done };
  };
  const laterListed = signal();
  const firstStored = signal();
  const later = preprocessPictures(
    [picture(10), picture(20), picture(30)],
    at(
      '2026-06-01T12:00:09Z',
      gated(t.blobs, {
        beforeWrite: (container) => (container === CONTAINERS.features ? firstStored.promise : undefined),
        afterList: (container) => (container === CONTAINERS.features ? laterListed.done() : undefined),
      }),
    ),
  );
  const laterDone = later.then(
    () => undefined,
    () => undefined,
  );
  const runs = await Promise.allSettled([
    preprocessPictures(
      [picture(10), picture(20)],
      at(
        '2026-06-01T12:00:07Z',
        gated(t.blobs, {
          beforeWrite: (container) =>
            container === CONTAINERS.features
              ? laterListed.promise
              : container === CONTAINERS.state
                ? laterDone
                : undefined,
          afterWrite: (container) => (container === CONTAINERS.features ? firstStored.done() : undefined),
        }),
      ),
    ),
    later,
  ]);
  for (const r of runs) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
  const check = async (when: string) => {
    const stored = await storedObservations(t.blobs, CONTAINERS.features);
    const state = (await t.recent())?.sites.get('park-1') ?? [];
    assert.deepEqual(
      state.map((e) => new Date(e.observedAt).toISOString().slice(11, 16)),
      ['11:00', '11:10', '11:20', '11:30'],
      `${when}: each picture once in the state`,
    );
    // What predict reads (the state) and what training and the backtest read (the blobs) say the same availableAt.
    assert.deepEqual(
      state.map((e) => `${new Date(e.observedAt).toISOString()} ${new Date(e.availableAt).toISOString()}`),
      [...stored.values()].map((o) => `${o.observedAt} ${o.availableAt}`),
      `${when}: the state and the stored features agree`,
    );
  };
  await check('after both');
  // Their retries add nothing.
  const before = t.state();
  const retried = await preprocessPictures(
    [picture(0), picture(10), picture(20), picture(30)],
    at('2026-06-01T12:09:00Z'),
  );
  assert.ok(retried.every((o) => o.status === 'duplicate'));
  await check('after a retry');
  assert.deepEqual(t.state(), before, 'nothing written by the retry');
});

/** `blobs`, whose writes wait for what `beforeWrite` gives for their container, telling `afterWrite` once written
 * and `afterList` once a listing has been read to its end. */
function gated(
  blobs: BlobStore,
  hooks: {
    beforeWrite?: (container: string) => Promise<void> | undefined;
    afterWrite?: (container: string) => void;
    afterList?: (container: string) => void;
  },
): BlobStore {
  return new Proxy(blobs, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'list') {
        const list = value as BlobStore['list'];
        return async function* (container: string, prefix: string) {
          yield* list.call(target, container, prefix);
          hooks.afterList?.(container);
        };
      }
      const fn = value as (...args: unknown[]) => Promise<unknown>;
      if (prop !== 'put' && prop !== 'putIfAbsent') return fn.bind(target);
      return async (container: string, ...rest: unknown[]) => {
        await hooks.beforeWrite?.(container);
        const result = await fn.call(target, container, ...rest);
        hooks.afterWrite?.(container);
        return result;
      };
    },
  });
}
