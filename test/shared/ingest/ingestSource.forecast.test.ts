import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestPage } from '../../../shared/ingest/ingestPage';
import { ingestSource } from '../../../shared/ingest/ingestSource';
import { gatherInputs } from '../../../shared/predict/gatherInputs';
import type { AdapterRecord } from '../../../shared/sources/ProviderAdapter';
import {
  MAX_METADATA_VALUES_BYTES,
  ObservationStore,
  observationBlobName,
} from '../../../shared/sources/ObservationStore';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { Quarantine } from '../../../shared/storage/Quarantine';
import { readHistory } from '../../../shared/training/readHistory';
import { FakeProvider, pageBody } from '../../support/FakeProvider';
import { FakeTimer } from '../../support/FakeTimer';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

const NOW = '2026-06-01T12:00:00.000Z';

/** A run of `steps` steps every 5 minutes of both fields of the shipped `nwp` source. */
function runValues(steps: number, shift = 0): Record<string, number> {
  const values: Record<string, number> = {};
  for (let i = 0; i < steps; i++) {
    values[`ghi_wm2@+${i * 5}`] = Math.round((400 + 3.7 * i + shift) * 10) / 10;
    values[`cloud_cover@+${i * 5}`] = Math.round(((i * 37) % 100) / 10) / 10;
  }
  return values;
}

function rig() {
  const config = testConfig();
  const source = config.sources.find((s) => s.id === 'nwp');
  assert.ok(source && source.kind === 'forecast');
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(new Date(NOW));
  const provider = new FakeProvider(source, clock);
  const run = () =>
    ingestSource(
      source,
      new Set(['park-1']),
      { blobs, clock, provider: provider.client, timer: new FakeTimer(), random: () => 0.5 },
      { initialSince: new Date('2026-06-01T06:00:00Z') },
    );
  return { config, source, blobs, clock, provider, run };
}

const item = (observedAt: string, publishedAt: string, values: Record<string, number>): string =>
  JSON.stringify({ site: 'park-1', observedAt, publishedAt, values });

test('a forecast run is stored once per (site, runAt) as received; a bad run is quarantined naming the bad key; a re-run writes nothing new', async () => {
  const t = rig();
  const small = runValues(49);
  const page = pageBody([
    item('2026-06-01T09:00:00.000Z', '2026-06-01T10:31:00.000Z', small),
    item('2026-06-01T09:00:00.000Z', '2026-06-01T10:31:00.000Z', small),
    item('2026-06-01T10:00:00.000Z', '2026-06-01T11:05:00.000Z', { ...small, 'temp_c@+60': 12 }),
  ]);
  t.provider.pages.push(page);
  const first = await t.run();
  assert.deepEqual([first.received, first.stored, first.duplicates, first.quarantined], [3, 1, 1, 1]);
  const stored = JSON.parse(
    (
      await t.blobs.get(CONTAINERS.raw, observationBlobName('nwp', 'park-1', '2026-06-01T09:00:00.000Z'))
    )?.body.toString('utf8') ?? '{}',
  );
  assert.deepEqual(stored.values, small);
  assert.equal(stored.observedAt, '2026-06-01T09:00:00.000Z', 'observedAt is the run’s runAt');
  assert.equal(stored.availableAt, NOW, 'availableAt is when ingestion stored it');
  const quarantined = t.blobs.names(CONTAINERS.quarantine).filter((n) => n.endsWith('.json'));
  assert.equal(quarantined.length, 1);
  const entry = JSON.parse((await t.blobs.get(CONTAINERS.quarantine, quarantined[0] as string))?.body.toString() ?? '');
  assert.match(entry.reason, /"values" key "temp_c@\+60" names the field "temp_c"/);

  // The platform retries: the same page again changes nothing.
  t.provider.pages.push(page);
  const blobsBefore = t.blobs.names(CONTAINERS.raw);
  const again = await ingestSource(
    t.source,
    new Set(['park-1']),
    { blobs: t.blobs, clock: t.clock, provider: t.provider.client, timer: new FakeTimer(), random: () => 0.5 },
    { initialSince: new Date('2026-06-01T06:00:00Z') },
  );
  assert.equal(again.stored, 0);
  assert.deepEqual(t.blobs.names(CONTAINERS.raw), blobsBefore);
});

test('a run too large for blob metadata keeps its values in the body only, and every reader downloads it: the listing, predict, training, a re-read', async () => {
  const t = rig();
  const small = runValues(49);
  // 2 x 600 steps: about 25 KB of values JSON, far beyond the 8 KB Azure allows for all of a blob's metadata.
  const large = runValues(600);
  assert.ok(JSON.stringify(large).length > 2 * MAX_METADATA_VALUES_BYTES);
  t.provider.pages.push(
    pageBody([
      item('2026-06-01T09:00:00.000Z', '2026-06-01T10:31:00.000Z', small),
      item('2026-06-01T10:00:00.000Z', '2026-06-01T11:05:00.000Z', large),
    ]),
  );
  const first = await t.run();
  assert.deepEqual([first.stored, first.quarantined], [2, 0]);

  const listed = new Map<string, Record<string, string>>();
  for await (const b of t.blobs.list(CONTAINERS.raw, 'nwp/park-1/')) listed.set(b.name, b.metadata);
  const smallMeta = listed.get(observationBlobName('nwp', 'park-1', '2026-06-01T09:00:00.000Z'));
  const largeMeta = listed.get(observationBlobName('nwp', 'park-1', '2026-06-01T10:00:00.000Z'));
  assert.deepEqual(JSON.parse(smallMeta?.['values'] ?? 'null'), small, 'a small run is listed with its values');
  assert.ok(largeMeta, 'the large run is stored');
  assert.equal(largeMeta['values'], undefined, 'a large run has no values in its metadata');
  assert.equal(largeMeta['observedat'], '2026-06-01T10:00:00.000Z');
  const metadataBytes = Object.entries(largeMeta).reduce((n, [k, v]) => n + k.length + v.length, 0);
  assert.ok(metadataBytes < 8192, `${metadataBytes} bytes of metadata`);

  // The listing and read of the observation store (predict, the dashboard).
  const observations = new ObservationStore(t.blobs);
  const available = await observations.availableIn(
    t.source,
    'park-1',
    new Date('2026-06-01T00:00:00Z'),
    new Date(NOW),
    new Date(NOW),
  );
  assert.deepEqual(
    available.map((l) => l.observedAt),
    ['2026-06-01T09:00:00.000Z', '2026-06-01T10:00:00.000Z'],
  );
  assert.deepEqual((await observations.read(t.source, 'park-1', available[1]!))?.values, large);
  assert.deepEqual((await observations.read(t.source, 'park-1', available[0]!))?.values, small);
  const inputs = await gatherInputs(t.config, 'park-1', new Date(NOW), observations);
  assert.deepEqual(inputs.latest.get('nwp')?.values, large, 'predict reads the newest run whole');

  // Training's history.
  const history = await readHistory(
    t.blobs,
    t.source,
    'park-1',
    new Date('2026-06-01T00:00:00Z'),
    new Date('2026-06-01T11:00:00Z'),
  );
  assert.deepEqual(
    history.records.map((r) => r.values),
    [small, large],
  );
  assert.deepEqual(history.skipped, []);

  // A window's re-read (settled from the listing): the large run is compared with its body, so an identical one is a
  // duplicate and a changed one a conflict in quarantine, never a silent overwrite.
  const record = (values: Record<string, number>): AdapterRecord => {
    const raw = item('2026-06-01T10:00:00.000Z', '2026-06-01T11:05:00.000Z', values);
    return { value: JSON.parse(raw), raw };
  };
  const ctx = {
    source: t.source,
    siteIds: new Set(['park-1']),
    blobs: t.blobs,
    clock: t.clock,
    quarantine: new Quarantine(t.blobs),
    concurrency: 4,
    maxImagePixels: 1_000_000,
    expectDuplicates: true,
    fetchImage: () => Promise.reject(new Error('no pictures here')),
  };
  const reread = await ingestPage([record(large), record(runValues(600, 1))], ctx);
  assert.deepEqual(reread.outcomes, ['duplicates', 'quarantined']);
  const stored = JSON.parse(
    (
      await t.blobs.get(CONTAINERS.raw, observationBlobName('nwp', 'park-1', '2026-06-01T10:00:00.000Z'))
    )?.body.toString('utf8') ?? '{}',
  );
  assert.deepEqual(stored.values, large, 'the stored run is unchanged');
});
