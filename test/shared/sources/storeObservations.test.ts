import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CountingBlobStore } from '../../../local/bench/CountingBlobStore';
import type { Observation } from '../../../shared/sources/Observation';
import { ObservationBatchReader } from '../../../shared/sources/ObservationBatchReader';
import { batchBlobName, batchFolder, keepEarliest } from '../../../shared/sources/observationBatches';
import { ObservationStore } from '../../../shared/sources/ObservationStore';
import { RecentBatch } from '../../../shared/sources/RecentBatch';
import { RecentStateStore } from '../../../shared/sources/RecentStateStore';
import { storeObservations } from '../../../shared/sources/storeObservations';
import { type BlobStore, CONTAINERS, StorageUnavailableError } from '../../../shared/storage/BlobStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { storedRecords } from '../../support/storedObservations';
import { testConfig } from '../../support/testServices';

const obs = (site: string, observedAt: string, availableAt: string, power = 1): Observation => ({
  source: 'site-meter',
  site,
  observedAt,
  availableAt,
  publishedAt: observedAt,
  values: { power_kw: power, ghi_wm2: 500 },
});

describe('storeObservations: one blob per source and batch', () => {
  it('writes every site in one blob per observed day, named by the records, and a retried batch writes nothing', async () => {
    const memory = new MemoryBlobStore();
    const blobs = new CountingBlobStore(memory);
    const batch = [
      obs('park-1', '2026-06-01T23:50:00.000Z', '2026-06-02T00:10:00.000Z'),
      obs('park-2', '2026-06-01T23:50:00.000Z', '2026-06-02T00:10:00.000Z'),
      obs('park-1', '2026-06-02T00:00:00.000Z', '2026-06-02T00:10:00.000Z'),
    ];
    const first = await storeObservations(blobs, CONTAINERS.raw, batch);
    assert.equal(first.written, 3);
    assert.deepEqual(first.observations, batch);
    assert.equal(blobs.counts.put, 2, 'one blob per observed day, not per site');
    assert.deepEqual(memory.names(CONTAINERS.raw), [
      batchBlobName('site-meter', batch.slice(0, 2)),
      batchBlobName('site-meter', batch.slice(2)),
    ]);
    assert.match(memory.names(CONTAINERS.raw)[0] ?? '', /^_batches\/site-meter\/2026-06-01\/[0-9a-f]{32}\.json$/);
    // The name depends on the keys only, not their order nor their availableAt.
    assert.equal(
      batchBlobName('site-meter', [...batch.slice(0, 2)].reverse()),
      batchBlobName('site-meter', batch.slice(0, 2)),
    );

    // The retry of a run that wrote the batch and failed before its merge: same records, read later.
    const later = batch.map((o) => ({ ...o, availableAt: '2026-06-02T00:20:00.000Z' }));
    const retry = await storeObservations(blobs, CONTAINERS.raw, later);
    assert.equal(retry.written, 0);
    assert.deepEqual(
      retry.observations.map((o) => o.availableAt),
      batch.map((o) => o.availableAt),
      'the first availableAt',
    );
    assert.equal(memory.names(CONTAINERS.raw).length, 2, 'nothing new stored');
  });
});

describe('reading both layouts', () => {
  it('reads each batch blob once for every site, keeps the earliest availableAt, and reports a broken batch', async () => {
    const memory = new MemoryBlobStore();
    const blobs = new CountingBlobStore(memory);
    const sites = Array.from({ length: 20 }, (_, i) => `site-${i}`);
    for (const minute of [0, 10, 20])
      await storeObservations(
        memory,
        CONTAINERS.raw,
        sites.map((s) =>
          obs(s, `2026-06-01T11:${String(minute).padStart(2, '0')}:00.000Z`, '2026-06-01T11:59:00.000Z'),
        ),
      );
    // The same record in a second batch (a retry that met more records than the failed run), read later.
    await storeObservations(memory, CONTAINERS.raw, [
      obs('site-0', '2026-06-01T11:00:00.000Z', '2026-06-01T12:30:00.000Z'),
      obs('site-0', '2026-06-01T11:30:00.000Z', '2026-06-01T12:30:00.000Z'),
    ]);
    await memory.put(CONTAINERS.raw, `${batchFolder('site-meter', '2026-06-01')}broken.json`, '{"version": 1, "obs');
    const reader = new ObservationBatchReader(blobs);
    for (const site of sites) await reader.site(CONTAINERS.raw, 'site-meter', site, '2026-06-01');
    assert.deepEqual(blobs.counts, { list: 1, get: 5, put: 0, delete: 0 }, 'one listing, each batch read once');
    const day = await reader.day(CONTAINERS.raw, 'site-meter', '2026-06-01');
    assert.deepEqual(
      day.bySite.get('site-0')?.map((o) => [o.observedAt, o.availableAt]),
      [
        ['2026-06-01T11:00:00.000Z', '2026-06-01T11:59:00.000Z'],
        ['2026-06-01T11:10:00.000Z', '2026-06-01T11:59:00.000Z'],
        ['2026-06-01T11:20:00.000Z', '2026-06-01T11:59:00.000Z'],
        ['2026-06-01T11:30:00.000Z', '2026-06-01T12:30:00.000Z'],
      ],
    );
    assert.equal(day.skipped.length, 1);
    assert.match(day.skipped[0]?.reason ?? '', /raw\/_batches\/site-meter\/2026-06-01\/broken\.json is not JSON/);
  });

  it('ObservationStore lists both layouts as one, a duplicate with its first availableAt, as of availability', async () => {
    const blobs = new MemoryBlobStore();
    const store = new ObservationStore(blobs);
    const meter = testConfig().sources.find((s) => s.id === 'site-meter') ?? assert.fail('no site-meter');
    // An earlier deployment stored 11:00 and 11:10 one blob each; batches hold 11:10 again (later) and 11:20.
    await store.putIfAbsent(CONTAINERS.raw, obs('park-1', '2026-06-01T11:00:00.000Z', '2026-06-01T11:30:00.000Z', 1));
    await store.putIfAbsent(CONTAINERS.raw, obs('park-1', '2026-06-01T11:10:00.000Z', '2026-06-01T11:40:00.000Z', 2));
    await storeObservations(blobs, CONTAINERS.raw, [
      obs('park-1', '2026-06-01T11:10:00.000Z', '2026-06-01T11:50:00.000Z', 2),
      obs('park-1', '2026-06-01T11:20:00.000Z', '2026-06-01T11:50:00.000Z', 3),
      obs('park-2', '2026-06-01T11:20:00.000Z', '2026-06-01T11:50:00.000Z', 9),
    ]);
    const window = (asOf: string) =>
      store.availableIn(meter, 'park-1', new Date('2026-06-01T00:00:00Z'), new Date(asOf), new Date(asOf));
    const all = await window('2026-06-01T12:00:00.000Z');
    assert.deepEqual(
      all.map((l) => [l.observedAt, l.availableAt]),
      [
        ['2026-06-01T11:00:00.000Z', '2026-06-01T11:30:00.000Z'],
        ['2026-06-01T11:10:00.000Z', '2026-06-01T11:40:00.000Z'],
        ['2026-06-01T11:20:00.000Z', '2026-06-01T11:50:00.000Z'],
      ],
    );
    assert.deepEqual(
      await Promise.all(all.map(async (l) => (await store.read(meter, 'park-1', l))?.values['power_kw'])),
      [1, 2, 3],
    );
    assert.deepEqual(
      (await window('2026-06-01T11:45:00.000Z')).map((l) => l.observedAt),
      ['2026-06-01T11:00:00.000Z', '2026-06-01T11:10:00.000Z'],
      'as of 11:45 the batch was not there yet',
    );
  });
});

/** Blob Storage that refuses the next write of the recent state (a run that dies between its batch and its merge). */
class StateWriteFails implements BlobStore {
  failNext = true;
  constructor(private readonly inner: BlobStore) {}
  private fails(container: string): boolean {
    const fail = container === CONTAINERS.state && this.failNext;
    if (fail) this.failNext = false;
    return fail;
  }
  putIfAbsent: BlobStore['putIfAbsent'] = (c, n, b, o) =>
    this.fails(c)
      ? Promise.reject(new StorageUnavailableError('storage went away'))
      : this.inner.putIfAbsent(c, n, b, o);
  put: BlobStore['put'] = (c, n, b, o) =>
    this.fails(c) ? Promise.reject(new StorageUnavailableError('storage went away')) : this.inner.put(c, n, b, o);
  get: BlobStore['get'] = (c, n) => this.inner.get(c, n);
  list: BlobStore['list'] = (c, p) => this.inner.list(c, p);
  delete: BlobStore['delete'] = (c, n) => this.inner.delete(c, n);
}

describe('RecentBatch: the batch, then the merge', () => {
  it('a crash between the batch write and the state merge: the retry writes no second batch and merges the first availableAt', async () => {
    const memory = new MemoryBlobStore();
    const blobs = new StateWriteFails(memory);
    const at = Date.parse('2026-06-01T12:00:00.000Z');
    const run = new RecentBatch(new RecentStateStore(blobs, undefined, async () => undefined), 'site-meter', [
      'park-1',
      'park-2',
    ]);
    run.addNew(CONTAINERS.raw, obs('park-1', '2026-06-01T11:40:00.000Z', '2026-06-01T12:00:00.000Z'));
    run.addNew(CONTAINERS.raw, obs('park-2', '2026-06-01T11:40:00.000Z', '2026-06-01T12:00:00.000Z'));
    assert.ok(run.newAt(CONTAINERS.raw, 'park-1', '2026-06-01T11:40:00.000Z'), 'a later page sees it waiting');
    await assert.rejects(run.flush(at), StorageUnavailableError);
    assert.equal(memory.names(CONTAINERS.raw).length, 1, 'the batch was written');
    assert.equal(await new RecentStateStore(memory).read(CONTAINERS.raw, 'site-meter'), undefined, 'not merged');

    // The retry (the watermark did not move) meets the same records ten minutes later.
    const retry = new RecentBatch(new RecentStateStore(memory), 'site-meter', ['park-1', 'park-2']);
    retry.addNew(CONTAINERS.raw, obs('park-1', '2026-06-01T11:40:00.000Z', '2026-06-01T12:10:00.000Z'));
    retry.addNew(CONTAINERS.raw, obs('park-2', '2026-06-01T11:40:00.000Z', '2026-06-01T12:10:00.000Z'));
    await retry.flush(at + 600_000);
    assert.equal(memory.names(CONTAINERS.raw).length, 1, 'no second batch');
    const state = (await new RecentStateStore(memory).read(CONTAINERS.raw, 'site-meter'))?.state;
    assert.deepEqual(
      [...(state?.sites ?? [])].map(([site, list]) => [site, list.map((e) => new Date(e.availableAt).toISOString())]),
      [
        ['park-1', ['2026-06-01T12:00:00.000Z']],
        ['park-2', ['2026-06-01T12:00:00.000Z']],
      ],
    );
    assert.equal(retry.size, 0);
  });
});

describe('RecentBatch: a retry that meets more than the failed run stored', () => {
  it('merges the unmerged batch first and writes only what it lacks: every record once, with its first availableAt', async () => {
    const memory = new MemoryBlobStore();
    const at = Date.parse('2026-06-01T12:00:00.000Z');
    const sites = ['park-1', 'park-2', 'park-3'];
    // A state exists (an earlier run); then a run writes its batch and dies before its merge.
    const earlier = new RecentBatch(new RecentStateStore(memory), 'site-meter', sites);
    earlier.addNew(CONTAINERS.raw, obs('park-1', '2026-06-01T11:30:00.000Z', '2026-06-01T11:50:00.000Z'));
    await earlier.flush(at - 600_000);
    const dying = new RecentBatch(
      new RecentStateStore(new StateWriteFails(memory), undefined, async () => undefined),
      'site-meter',
      sites,
    );
    for (const site of ['park-1', 'park-2'])
      dying.addNew(CONTAINERS.raw, obs(site, '2026-06-01T11:40:00.000Z', '2026-06-01T12:00:00.000Z'));
    await assert.rejects(dying.flush(at), StorageUnavailableError);
    assert.equal(memory.names(CONTAINERS.raw).length, 2, "the earlier run's batch and the failed one's");

    // The retry meets the failed run's two records and a third the provider published meanwhile.
    const retry = new RecentBatch(new RecentStateStore(memory), 'site-meter', sites);
    for (const site of sites)
      retry.addNew(CONTAINERS.raw, obs(site, '2026-06-01T11:40:00.000Z', '2026-06-01T12:10:00.000Z'));
    await retry.flush(at + 600_000);
    assert.equal(memory.names(CONTAINERS.raw).length, 3, 'one more batch, holding park-3 alone');
    const records = await storedRecords(memory, CONTAINERS.raw);
    assert.deepEqual(
      records
        .filter((o) => o.observedAt === '2026-06-01T11:40:00.000Z')
        .map((o) => [o.site, o.availableAt])
        .sort(),
      [
        ['park-1', '2026-06-01T12:00:00.000Z'],
        ['park-2', '2026-06-01T12:00:00.000Z'],
        ['park-3', '2026-06-01T12:10:00.000Z'],
      ],
      'each record stored once',
    );
    const state = (await new RecentStateStore(memory).read(CONTAINERS.raw, 'site-meter'))?.state;
    assert.deepEqual(
      sites.map((site) => state?.sites.get(site)?.map((e) => new Date(e.availableAt).toISOString())),
      [
        ['2026-06-01T11:50:00.000Z', '2026-06-01T12:00:00.000Z'],
        ['2026-06-01T12:00:00.000Z'],
        ['2026-06-01T12:10:00.000Z'],
      ],
    );
    assert.equal(state?.batches?.size, 3, 'every batch of the day named');
  });
});

describe('keepEarliest', () => {
  it('keeps one record per observedAt, the first available, oldest first', () => {
    const a = obs('p', '2026-06-01T11:10:00.000Z', '2026-06-01T11:40:00.000Z');
    const b = obs('p', '2026-06-01T11:00:00.000Z', '2026-06-01T11:50:00.000Z');
    const c = obs('p', '2026-06-01T11:10:00.000Z', '2026-06-01T11:30:00.000Z');
    assert.deepEqual(keepEarliest([a, b, c]), [b, c]);
  });
});
