import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceSchema, type SourceConfig } from '../../../shared/config/ForecastConfig';
import type { Observation } from '../../../shared/sources/Observation';
import { ObservationStore, observationBlobName, observationMetadata } from '../../../shared/sources/ObservationStore';
import { type BlobContent, CONTAINERS } from '../../../shared/storage/BlobStore';
import { buildDataset } from '../../../shared/training/buildDataset';
import { readHistory } from '../../../shared/training/readHistory';
import { ObservationBatchReader } from '../../../shared/sources/ObservationBatchReader';
import { storeObservations } from '../../../shared/sources/storeObservations';
import { TrainingDataError } from '../../../shared/training/TrainingDataError';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

const MIN = 60_000;
const BACKFILL_RAN = '2026-05-04T00:00:00.000Z';
const iso = (ms: number): string => new Date(ms).toISOString();

function source(id: string, kind: 'sensor' | 'image', fields: string[]): SourceConfig {
  return sourceSchema.parse({
    id,
    kind,
    provider: { endpoint: 'http://localhost:1/', apiKey: 'k' },
    schedule: '%S%',
    fields,
  });
}
const METER = source('site-meter', 'sensor', ['power_kw']);
const SKYCAM = source('skycam', 'image', ['cloud_all']);

/** Counts downloads, to show that listing metadata keeps out-of-window blobs from being fetched. */
class CountingBlobStore extends MemoryBlobStore {
  gets = 0;
  override async get(container: string, name: string): Promise<BlobContent | undefined> {
    this.gets++;
    return super.get(container, name);
  }
}

function observation(
  src: string,
  site: string,
  observedMs: number,
  availableAt: string,
  publishedMs: number | undefined,
  value: number,
): Observation {
  return {
    source: src,
    site,
    observedAt: iso(observedMs),
    availableAt,
    ...(publishedMs !== undefined ? { publishedAt: iso(publishedMs) } : {}),
    values: { power_kw: value, cloud_all: value },
  };
}

async function storedMeterHistory(): Promise<CountingBlobStore> {
  const blobs = new CountingBlobStore();
  const store = new ObservationStore(blobs);
  const day1 = Date.parse('2026-05-01T00:00:00Z');
  const day2 = Date.parse('2026-05-02T00:00:00Z');
  // Backfilled on May 4: half with the provider's publishedAt, half without.
  for (let i = 0; i < 20; i++) {
    const o = day1 + i * 10 * MIN;
    await store.putIfAbsent(
      CONTAINERS.raw,
      observation('site-meter', 'park-1', o, BACKFILL_RAN, i % 2 === 0 ? o + 30 * MIN : undefined, i),
    );
  }
  // Ingested live: published 22 min after observation, read 3 min later.
  for (let i = 0; i < 30; i++) {
    const o = day2 + i * 10 * MIN;
    await store.putIfAbsent(
      CONTAINERS.raw,
      observation('site-meter', 'park-1', o, iso(o + 25 * MIN), o + 22 * MIN, 100 + i),
    );
  }
  // Outside the window (the afternoon of May 2, and April 30), and another site: never downloaded.
  for (const o of [day2 + 13 * 60 * MIN, day2 + 14 * 60 * MIN, day1 - 10 * MIN]) {
    await store.putIfAbsent(
      CONTAINERS.raw,
      observation('site-meter', 'park-1', o, iso(o + 25 * MIN), o + 22 * MIN, -1),
    );
  }
  await store.putIfAbsent(
    CONTAINERS.raw,
    observation('site-meter', 'park-2', day2, iso(day2 + 25 * MIN), day2 + 22 * MIN, -2),
  );
  // A blob that is not an observation: skipped with the reason, not a crash.
  const broken = { source: 'site-meter', site: 'park-1', observedAt: iso(day1 + 5 * MIN), availableAt: BACKFILL_RAN };
  await blobs.put(CONTAINERS.raw, observationBlobName('site-meter', 'park-1', broken.observedAt), '{"values": ', {
    metadata: observationMetadata(broken),
  });
  blobs.gets = 0;
  return blobs;
}

test('readHistory: live records keep their availableAt, backfilled ones get the delay model, sorted by observedAt', async () => {
  const blobs = await storedMeterHistory();
  const h = await readHistory(
    blobs,
    METER,
    'park-1',
    new Date('2026-05-01T00:00:00Z'),
    new Date('2026-05-02T12:00:00Z'),
    { concurrency: 4 },
  );
  assert.equal(h.records.length, 50);
  assert.equal(
    blobs.gets,
    1,
    'observations carry their values in the listed metadata: only the broken blob, which does not, is downloaded',
  );
  assert.deepEqual(h.skipped, [
    { name: `raw/site-meter/park-1/2026-05-01/2026-05-01T00:05:00.000Z.json`, reason: 'body is not JSON' },
  ]);
  assert.deepEqual(h.delayModel, {
    source: 'site-meter',
    liveRecords: 30,
    liveRecordsWithPublishedAt: 30,
    backfillDelayMs: 25 * MIN,
    backfillQuantile: 0.9,
    ingestLagMs: 3 * MIN,
  });
  const observed = h.records.map((r) => r.observedAt);
  assert.deepEqual(
    observed,
    [...observed].sort((a, b) => a - b),
  );

  const [withPublished, withoutPublished] = h.records;
  assert.ok(withPublished && withoutPublished);
  // publishedAt (observed + 30) + the live lag of 3 min; not the backfill time, not observedAt.
  assert.deepEqual(withPublished, {
    observedAt: Date.parse('2026-05-01T00:00:00Z'),
    availableAt: Date.parse('2026-05-01T00:33:00Z'),
    values: { power_kw: 0, cloud_all: 0 },
    recordedAvailableAt: Date.parse(BACKFILL_RAN),
    publishedAt: Date.parse('2026-05-01T00:30:00Z'),
    availability: 'published',
  });
  // No publishedAt: observedAt + the 0.9 quantile of live delays.
  assert.equal(withoutPublished.availableAt, Date.parse('2026-05-01T00:35:00Z'));
  assert.equal(withoutPublished.availability, 'delay-model');
  const live = h.records.filter((r) => r.observedAt >= Date.parse('2026-05-02T00:00:00Z'));
  assert.equal(live.length, 30);
  assert.ok(
    live.every(
      (r) =>
        r.availability === 'recorded' &&
        r.availableAt === r.recordedAvailableAt &&
        r.availableAt - r.observedAt === 25 * MIN,
    ),
  );
});

test('readHistory: with no live records to learn from, the conservative defaults (40 min delay, 5 min lag)', async () => {
  const blobs = await storedMeterHistory();
  const h = await readHistory(
    blobs,
    METER,
    'park-1',
    new Date('2026-05-01T00:00:00Z'),
    new Date('2026-05-01T23:59:59Z'),
  );
  assert.equal(h.delayModel.liveRecords, 0);
  assert.equal(h.records[0]?.availableAt, Date.parse('2026-05-01T00:35:00Z')); // published 00:30 + 5 min
  assert.equal(h.records[1]?.availableAt, Date.parse('2026-05-01T00:50:00Z')); // observed 00:10 + 40 min
  // A model learned elsewhere (e.g. over a longer range) can be passed in instead.
  const given = { ...h.delayModel, backfillDelayMs: 30 * MIN, ingestLagMs: 1 * MIN };
  const withGiven = await readHistory(
    blobs,
    METER,
    'park-1',
    new Date('2026-05-01T00:00:00Z'),
    new Date('2026-05-01T23:59:59Z'),
    { delayModel: given },
  );
  assert.equal(withGiven.records[0]?.availableAt, Date.parse('2026-05-01T00:31:00Z'));
  assert.equal(withGiven.records[1]?.availableAt, Date.parse('2026-05-01T00:40:00Z'));
});

test('readHistory: image features take publishedAt from the picture they were computed from', async () => {
  const blobs = new MemoryBlobStore();
  const store = new ObservationStore(blobs);
  const day = Date.parse('2026-05-02T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    const o = day + i * 10 * MIN;
    const backfilled = i < 6;
    const published = o + 21 * MIN;
    await blobs.put(CONTAINERS.images, observationBlobName('skycam', 'park-1', iso(o), 'png'), Buffer.from([137, 80]), {
      metadata: observationMetadata({
        source: 'skycam',
        site: 'park-1',
        observedAt: iso(o),
        availableAt: backfilled ? BACKFILL_RAN : iso(published + 2 * MIN),
        publishedAt: iso(published),
      }),
    });
    // The preprocessor stores features without publishedAt, available when computed (a minute after the picture).
    await store.putIfAbsent(
      CONTAINERS.features,
      observation('skycam', 'park-1', o, backfilled ? BACKFILL_RAN : iso(published + 3 * MIN), undefined, i),
    );
  }
  const h = await readHistory(blobs, SKYCAM, 'park-1', new Date(day), new Date(day + 86_399_999));
  assert.equal(h.records.length, 30);
  assert.equal(h.delayModel.ingestLagMs, 3 * MIN);
  assert.equal(h.records[0]?.availability, 'published');
  assert.equal(h.records[0]?.availableAt, day + 24 * MIN);
  assert.ok(
    h.records.every((r) => r.publishedAt === r.observedAt + 21 * MIN && r.availableAt === r.observedAt + 24 * MIN),
  );
});

test('readHistory: its records feed buildDataset directly', async () => {
  const blobs = await storedMeterHistory();
  const h = await readHistory(
    blobs,
    METER,
    'park-1',
    new Date('2026-05-01T00:00:00Z'),
    new Date('2026-05-02T12:00:00Z'),
  );
  const spec = {
    sources: ['site-meter'],
    fields: { 'site-meter': ['power_kw'] },
    leadsMinutes: [20],
    latitude: 55.68,
    longitude: 12.57,
  };
  const d = buildDataset({
    spec,
    target: { source: 'site-meter', field: 'power_kw' },
    history: new Map([['site-meter', h.records]]),
    from: new Date('2026-05-02T00:30:00Z'),
    to: new Date('2026-05-02T04:00:00Z'),
    cadenceMinutes: 10,
  });
  assert.ok(d.issueTimes.length > 10);
  d.issueTimes.forEach((t, r) => assert.ok((d.used['site-meter']?.availableAt[r] as number) <= t));
});

test('readHistory: a window that ends before it starts is an INVALID_OPTIONS error', async () => {
  await assert.rejects(
    readHistory(
      new MemoryBlobStore(),
      METER,
      'park-1',
      new Date('2026-05-02T00:00:00Z'),
      new Date('2026-05-01T00:00:00Z'),
    ),
    (e: unknown) => e instanceof TrainingDataError && e.code === 'INVALID_OPTIONS',
  );
});

test('history in both layouts: per-observation blobs and batches read as one, a batch read once for every site, the first availableAt kept', async () => {
  const blobs = new CountingBlobStore();
  const store = new ObservationStore(blobs);
  const t0 = Date.parse('2026-05-01T10:00:00Z');
  const sites = ['park-1', 'park-2', 'park-3'];
  // An earlier deployment: 10:00 and 10:10 one blob each. Then batches of every site: 10:10 again (a retry that met
  // more than its failed run stored, read later), 10:20 and 10:30.
  for (const site of sites)
    for (const k of [0, 1])
      await store.putIfAbsent(
        CONTAINERS.raw,
        observation('site-meter', site, t0 + k * 10 * MIN, iso(t0 + (k * 10 + 20) * MIN), t0 + (k * 10 + 15) * MIN, k),
      );
  for (const k of [1, 2, 3]) {
    const batch = sites.map((site) =>
      observation('site-meter', site, t0 + k * 10 * MIN, iso(t0 + (k * 10 + 25) * MIN), t0 + (k * 10 + 15) * MIN, k),
    );
    await storeObservations(blobs, CONTAINERS.raw, batch);
  }
  const batches = new ObservationBatchReader(blobs);
  const gets = blobs.gets;
  const histories = [];
  for (const site of sites)
    histories.push(await readHistory(blobs, METER, site, new Date(t0), new Date(t0 + 60 * MIN), { batches }));
  assert.equal(blobs.gets - gets, 3, 'each of the 3 batches once for 3 sites; the old blobs carry values in metadata');
  for (const h of histories) {
    assert.deepEqual(
      h.records.map((r) => [iso(r.observedAt), iso(r.recordedAvailableAt), r.values['power_kw']]),
      [
        [iso(t0), iso(t0 + 20 * MIN), 0],
        [iso(t0 + 10 * MIN), iso(t0 + 30 * MIN), 1],
        [iso(t0 + 20 * MIN), iso(t0 + 45 * MIN), 2],
        [iso(t0 + 30 * MIN), iso(t0 + 55 * MIN), 3],
      ],
      h.site,
    );
    assert.deepEqual(h.skipped, []);
  }
});
