import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestPage, type PageContext } from '../../../shared/ingest/ingestPage';
import type { Observation } from '../../../shared/sources/Observation';
import { storeObservations } from '../../../shared/sources/storeObservations';
import type { AdapterRecord } from '../../../shared/sources/ProviderAdapter';
import { RecentBatch } from '../../../shared/sources/RecentBatch';
import { RecentStateStore, recentStateName } from '../../../shared/sources/RecentStateStore';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { Quarantine } from '../../../shared/storage/Quarantine';
import { CountingBlobStore } from '../../../local/bench/CountingBlobStore';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

const record = (site: string, observedAt: string, power: number): AdapterRecord => {
  const raw = JSON.stringify({ site, observedAt, publishedAt: observedAt, values: { power_kw: power, ghi_wm2: 500 } });
  return { value: JSON.parse(raw), raw };
};

test('a page merges what it stores, and the duplicates it meets with their stored availableAt, into the source state', async () => {
  const config = testConfig();
  const source = config.sources.find((s) => s.id === 'site-meter') ?? assert.fail('no site-meter');
  const memory = new MemoryBlobStore();
  const blobs = new CountingBlobStore(memory);
  const clock = new FixedClock(new Date('2026-06-01T12:00:00.000Z'));
  const recent = new RecentStateStore(blobs);
  const batch = new RecentBatch(recent, 'site-meter', ['park-1', 'park-2']);
  const ctx: PageContext = {
    source,
    siteIds: new Set(['park-1', 'park-2']),
    blobs,
    clock,
    quarantine: new Quarantine(blobs),
    concurrency: 4,
    maxImagePixels: 1_000_000,
    recent: batch,
    fetchImage: () => Promise.reject(new Error('no pictures here')),
  };

  const first = await ingestPage(
    [record('park-1', '2026-06-01T11:30:00.000Z', 1), record('park-2', '2026-06-01T11:30:00.000Z', 2)],
    ctx,
  );
  assert.deepEqual(first.outcomes, ['stored', 'stored']);
  assert.equal(await recent.read(CONTAINERS.raw, 'site-meter'), undefined, 'merged when the run flushes, not per page');
  assert.equal(batch.size, 2);
  await batch.flush(clock.now().getTime());

  // A run wrote these two in its batch and failed before its merge: the retry meets the same new records, so the
  // same batch, which is not written again, and merges them with the availableAt they were stored with.
  const crashed = (site: string, power: number): Observation => ({
    source: 'site-meter',
    site,
    observedAt: '2026-06-01T11:40:00.000Z',
    availableAt: '2026-06-01T12:01:00.000Z',
    publishedAt: '2026-06-01T11:40:00.000Z',
    values: { power_kw: power, ghi_wm2: 500 },
  });
  await storeObservations(memory, CONTAINERS.raw, [crashed('park-1', 3), crashed('park-2', 4)]);
  clock.set('2026-06-01T12:05:00.000Z');
  const retry = await ingestPage(
    [record('park-1', '2026-06-01T11:40:00.000Z', 3), record('park-2', '2026-06-01T11:40:00.000Z', 4)],
    ctx,
  );
  assert.deepEqual(retry.outcomes, ['stored', 'stored'], 'new to the state');
  const writes = blobs.counts.put;
  await batch.flush(clock.now().getTime());
  assert.equal(
    blobs.counts.put - writes,
    1,
    'the state only: the batch the state does not name is merged, not written',
  );
  assert.equal(memory.names(CONTAINERS.raw).length, 3, "the first page's two (no state yet: one blob each), one batch");
  const state = (await recent.read(CONTAINERS.raw, 'site-meter'))?.state ?? assert.fail('no state');
  assert.deepEqual(
    [...state.sites].map(([site, list]) => [site, list.map((e) => new Date(e.availableAt).toISOString())]),
    [
      ['park-1', ['2026-06-01T12:00:00.000Z', '2026-06-01T12:01:00.000Z']],
      ['park-2', ['2026-06-01T12:00:00.000Z', '2026-06-01T12:01:00.000Z']],
    ],
  );

  // A window's re-read of what the state holds: settled from the state, no listing, no write.
  const etag = (await memory.get(CONTAINERS.state, recentStateName(CONTAINERS.raw, 'site-meter')))?.etag;
  const before = { ...blobs.counts };
  clock.set('2026-06-01T12:10:00.000Z');
  const reread = await ingestPage(
    [record('park-1', '2026-06-01T11:40:00.000Z', 3), record('park-2', '2026-06-01T11:30:00.000Z', 2)],
    { ...ctx, expectDuplicates: true },
  );
  assert.deepEqual(reread.outcomes, ['duplicates', 'duplicates']);
  await batch.flush(clock.now().getTime());
  assert.equal(blobs.counts.list - before.list, 0, 'no listing');
  assert.equal(blobs.counts.put - before.put, 0, 'no write');
  assert.equal((await memory.get(CONTAINERS.state, recentStateName(CONTAINERS.raw, 'site-meter')))?.etag, etag);

  // A changed value of a stored observation is still a conflict, found from the state's values.
  const conflict = await ingestPage([record('park-2', '2026-06-01T11:30:00.000Z', 99)], {
    ...ctx,
    expectDuplicates: true,
  });
  assert.deepEqual(conflict.outcomes, ['quarantined']);
});
