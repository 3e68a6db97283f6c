import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CountingBlobStore } from '../../../local/bench/CountingBlobStore';
import { compactClosedDays } from '../../../shared/sources/compactClosedDays';
import { compactDay } from '../../../shared/sources/compactDay';
import { dayBlobName, parseCompactedDay } from '../../../shared/sources/compactedDays';
import type { Observation } from '../../../shared/sources/Observation';
import { type BatchDay, ObservationBatchReader } from '../../../shared/sources/ObservationBatchReader';
import { batchFolder } from '../../../shared/sources/observationBatches';
import { RecentBatch } from '../../../shared/sources/RecentBatch';
import { RecentStateStore } from '../../../shared/sources/RecentStateStore';
import { storeObservations } from '../../../shared/sources/storeObservations';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { storedRecords } from '../../support/storedObservations';

const DAY = '2026-06-01';
const obs = (site: string, minute: number, availableMinute: number, power = 1, source = 'site-meter'): Observation => {
  const at = (m: number): string => new Date(Date.parse(`${DAY}T00:00:00.000Z`) + m * 60_000).toISOString();
  return { source, site, observedAt: at(minute), availableAt: at(availableMinute), values: { power_kw: power } };
};

/** A day of batches: three ingest runs, a retried one that met more records (a duplicate with a later availableAt), a backfilled record. */
async function storeDay(blobs: MemoryBlobStore): Promise<void> {
  await storeObservations(blobs, CONTAINERS.raw, [obs('park-1', 0, 25), obs('park-2', 0, 26)]);
  await storeObservations(blobs, CONTAINERS.raw, [obs('park-1', 10, 35), obs('park-2', 10, 35)]);
  // The same observation stored again later with another value: the earliest availableAt wins, whatever the order.
  await storeObservations(blobs, CONTAINERS.raw, [obs('park-1', 10, 50, 9), obs('park-1', 20, 50)]);
  await storeObservations(blobs, CONTAINERS.raw, [
    { ...obs('park-2', 20, 60), publishedAt: `${DAY}T00:40:00.000Z`, backfilled: true },
  ]);
}

/** A fresh reader's view of the day (readers keep days they read, so each read uses a new one). */
const read = (blobs: MemoryBlobStore | CountingBlobStore): Promise<BatchDay> =>
  new ObservationBatchReader(blobs).day(CONTAINERS.raw, 'site-meter', DAY);

describe('compactDay: one blob per source and closed day', () => {
  it('reads the same day with and without the compacted blob, duplicates resolved to the earliest availableAt', async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    const before = await read(blobs);
    assert.equal(
      before.bySite.get('park-1')?.find((o) => o.observedAt.endsWith('00:10:00.000Z'))?.availableAt,
      `${DAY}T00:35:00.000Z`,
    );

    const outcome = await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    assert.deepEqual(outcome, { outcome: 'written', batches: 4, added: 7, records: 7 });
    assert.ok(blobs.names(CONTAINERS.raw).includes(dayBlobName('site-meter', DAY)));
    assert.equal(blobs.names(CONTAINERS.raw).length, 5, 'the batches are kept');

    const counting = new CountingBlobStore(blobs);
    const after = await read(counting);
    assert.deepEqual(after, before);
    assert.deepEqual(counting.counts.get, 1, 'one download for the whole day');
    assert.deepEqual(counting.counts.list, 1);
  });

  it('is idempotent: a second run with nothing new reads and writes nothing beyond its listing', async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    const written = await blobs.get(CONTAINERS.raw, dayBlobName('site-meter', DAY));
    const counting = new CountingBlobStore(blobs);
    assert.deepEqual(await compactDay(counting, CONTAINERS.raw, 'site-meter', DAY), {
      outcome: 'up-to-date',
      batches: 4,
    });
    assert.deepEqual(
      { put: counting.counts.put, get: counting.counts.get, list: counting.counts.list },
      { put: 0, get: 0, list: 1 },
    );
    assert.equal((await blobs.get(CONTAINERS.raw, dayBlobName('site-meter', DAY)))?.etag, written?.etag);
    assert.deepEqual(await compactDay(blobs, CONTAINERS.raw, 'other', DAY), { outcome: 'empty' });
  });

  it('reads a batch that arrived after compaction, and a recompaction folds it in (only it is downloaded)', async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    // After an outage: a late batch of the closed day, one record earlier-available than a compacted duplicate is not.
    await storeObservations(blobs, CONTAINERS.raw, [obs('park-3', 30, 300), obs('park-1', 20, 400, 7)]);
    const reference = new MemoryBlobStore();
    await storeDay(reference);
    await storeObservations(reference, CONTAINERS.raw, [obs('park-3', 30, 300), obs('park-1', 20, 400, 7)]);
    const expected = await read(reference);

    const counting = new CountingBlobStore(blobs);
    assert.deepEqual(await read(counting), expected);
    assert.equal(counting.counts.get, 2, 'the compacted day and the late batch');
    assert.ok(expected.bySite.get('park-3'));

    const recount = new CountingBlobStore(blobs);
    const outcome = await compactDay(recount, CONTAINERS.raw, 'site-meter', DAY);
    assert.deepEqual(outcome, { outcome: 'written', batches: 5, added: 2, records: 9 });
    assert.deepEqual(
      { get: recount.counts.get, put: recount.counts.put },
      { get: 2, put: 1 },
      'the day blob and the late batch',
    );
    const final = new CountingBlobStore(blobs);
    assert.deepEqual(await read(final), expected);
    assert.equal(final.counts.get, 1);
  });

  it('skips a compacted blob that does not parse, with the reason, and reads every batch: nothing lost', async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    const expected = await read(blobs);
    const name = dayBlobName('site-meter', DAY);
    await blobs.put(CONTAINERS.raw, name, '{"version": 1, "kind": "day", "obs');
    const got = await read(blobs);
    assert.deepEqual(got.bySite, expected.bySite);
    assert.deepEqual(got.names, expected.names);
    assert.equal(got.skipped.length, 1);
    assert.equal(got.skipped[0]?.name, `${CONTAINERS.raw}/${name}`);
    assert.match(got.skipped[0]?.reason ?? '', /_day\.json is not JSON/);

    // A record that is not an observation: the whole blob is distrusted.
    const text = JSON.stringify({
      version: 1,
      kind: 'day',
      source: 'site-meter',
      day: DAY,
      batches: expected.names,
      skipped: [],
      observations: [{ site: 'x' }],
    });
    assert.match(
      String(parseCompactedDay(text, 'raw/x', 'site-meter', DAY)),
      /record 0 is not an observation of "site-meter"/,
    );
    // Another source's or day's blob in the wrong folder.
    assert.match(
      String(parseCompactedDay(text, 'raw/x', 'site-meter', '2026-06-02')),
      /expected "site-meter" "2026-06-02"/,
    );

    // Compaction rebuilds it from every batch, over the version it read.
    const outcome = await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    assert.equal(outcome.outcome, 'written');
    assert.match(outcome.outcome === 'written' ? (outcome.replacedCorrupt ?? '') : '', /is not JSON/);
    assert.deepEqual(await read(blobs), expected);
  });

  it("carries a bad batch's reason, so readers report it as they did before compaction", async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    await blobs.put(CONTAINERS.raw, `${batchFolder('site-meter', DAY)}broken.json`, '{"version": 1, "obs');
    const expected = await read(blobs);
    assert.equal(expected.skipped.length, 1);
    await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    assert.deepEqual(await read(blobs), expected);
  });

  it('writes only over the version it read: a rewrite by someone else in between is a conflict, not a loss', async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    await storeObservations(blobs, CONTAINERS.raw, [obs('park-3', 30, 300)]);
    // Another run rewrites the blob between this run's read and write.
    const racing: MemoryBlobStore = Object.create(blobs) as MemoryBlobStore;
    racing.get = async (container, name) => {
      const got = await blobs.get(container, name);
      if (name === dayBlobName('site-meter', DAY))
        await blobs.put(container, name, got?.body ?? '', { metadata: got?.metadata ?? {} });
      return got;
    };
    assert.deepEqual(await compactDay(racing, CONTAINERS.raw, 'site-meter', DAY), { outcome: 'conflict' });
    assert.equal((await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY)).outcome, 'written');
  });

  it('is no batch to the readers that list the folder: tests count records once, ingestion merges no "orphan"', async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    const records = (await storedRecords(blobs, CONTAINERS.raw)).length;
    await compactDay(blobs, CONTAINERS.raw, 'site-meter', DAY);
    assert.equal((await storedRecords(blobs, CONTAINERS.raw)).length, records);
    // A run's flush lists the folder for batches its state does not name: the day blob is not one (never downloaded).
    const sites = ['park-1', 'park-2'];
    const now = Date.parse(`${DAY}T06:00:00.000Z`);
    const first = new RecentBatch(new RecentStateStore(blobs), 'site-meter', sites);
    first.addNew(CONTAINERS.raw, obs('park-1', 30, 340));
    await first.flush(now);
    const downloaded: string[] = [];
    const watching: MemoryBlobStore = Object.create(blobs) as MemoryBlobStore;
    watching.get = (container, name) => {
      downloaded.push(name);
      return blobs.get(container, name);
    };
    const run = new RecentBatch(new RecentStateStore(watching), 'site-meter', sites);
    run.addNew(CONTAINERS.raw, obs('park-2', 30, 350));
    await run.flush(now + 600_000);
    assert.ok(!downloaded.includes(dayBlobName('site-meter', DAY)), downloaded.join(', '));
    assert.equal((await read(blobs)).bySite.get('park-2')?.length, 4, 'its three of the compacted day and the new one');
  });
});

describe('compactClosedDays', () => {
  it("compacts each source's closed days in the lookback, never today, and writes nothing when run again", async () => {
    const blobs = new MemoryBlobStore();
    await storeDay(blobs);
    await storeObservations(blobs, CONTAINERS.raw, [obs('park-1', 24 * 60 + 10, 24 * 60 + 30)]); // today's
    await storeObservations(blobs, CONTAINERS.features, [obs('park-1', 0, 5, 1, 'skycam')]);
    const config = {
      sources: [
        { id: 'site-meter', kind: 'sensor' as const },
        { id: 'skycam', kind: 'image' as const },
      ],
    };
    const clock = new FixedClock(new Date('2026-06-02T03:30:00.000Z'));
    const deps = { config: config as never, blobs, clock };
    const first = await compactClosedDays(deps, { lookbackDays: 2 });
    assert.deepEqual(
      first.map((r) => `${r.container}/${r.source} ${r.day} ${r.outcome}`),
      [
        'raw/site-meter 2026-05-31 empty',
        'raw/site-meter 2026-06-01 written',
        'features/skycam 2026-05-31 empty',
        'features/skycam 2026-06-01 written',
      ],
    );
    assert.ok(!blobs.names(CONTAINERS.raw).includes(dayBlobName('site-meter', '2026-06-02')), 'today is not compacted');
    const again = await compactClosedDays(deps, { lookbackDays: 2 });
    assert.deepEqual(
      again.map((r) => r.outcome),
      ['empty', 'up-to-date', 'empty', 'up-to-date'],
    );
    await assert.rejects(
      compactClosedDays(deps, { lookbackDays: 0 }),
      /lookbackDays must be a whole number of days, at least 1, not 0/,
    );
  });
});
