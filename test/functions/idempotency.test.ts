import '../support/testEnv';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import { makeIngestHandler } from '../../functions/ingest';
import { makePredictHandler } from '../../functions/predict';
import { makePreprocessImageHandler } from '../../functions/preprocessImage';
import { type ProviderBehaviour, RELIABLE_BEHAVIOUR } from '../../local/providers/ProviderBehaviour';
import { type RunningProviders, startProviders } from '../../local/providers/startProviders';
import { World } from '../../local/world/World';
import { PICTURE_BATCH_PREFIX, writePictureBatch } from '../../shared/features/PictureBatch';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FakeTimer } from '../support/FakeTimer';
import { FixedClock } from '../support/fixedClock';
import { brokenImages, skyPng } from '../support/images';
import type { MemoryBlobStore } from '../support/MemoryBlobStore';
import type { MemoryForecastStore } from '../support/MemoryForecastStore';
import { testConfig, testServices } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
let providers: RunningProviders;

/**
 * Providers with every kind of bad input, from the fault hook: each page repeats its first two items and carries
 * malformed records; every third picture is cut in half, one in five is an HTML error page.
 */
const faulty: ProviderBehaviour = {
  ...RELIABLE_BEHAVIOUR,
  wireItems: (items) => [
    ...items,
    ...items.slice(0, 2),
    { site: 'park-9', observedAt: '2026-06-01T10:00:00Z', values: {} },
    { site: 'park-1', observedAt: 'yesterday' },
    'not a record',
  ],
  imageBytes: (png, _site, observedAt) => {
    const slot = Math.floor(observedAt.getTime() / 600_000);
    if (slot % 5 === 0) return Buffer.from('<!doctype html><h1>502 Bad Gateway</h1>');
    return slot % 3 === 0 ? png.subarray(0, Math.floor(png.length / 2)) : png;
  },
};

before(async () => {
  const config = testConfig();
  providers = await startProviders({
    world: new World({ seed: 11, sites: config.sites }),
    clock,
    providers: (['site-meter', 'skycam'] as const).map((id) => ({
      id,
      port: 0,
      apiKey: 'test-key',
      behaviour: faulty,
    })),
  });
});
after(() => providers.close());

/** Every blob (name, body, metadata, content type); status blobs without their run's own report. */
function state(blobs: MemoryBlobStore, volatileStatus: boolean): string[] {
  return [...blobs.blobs.entries()]
    .map(([name, b]) => {
      let body = b.body.toString('base64');
      if (name.startsWith(`${CONTAINERS.state}/status/`)) {
        const status = JSON.parse(b.body.toString()) as Record<string, unknown>;
        // A last-run record describes its own run: its time always, and for ingest the counts of that run.
        body = JSON.stringify(volatileStatus ? { ok: status['ok'] } : { ...status, at: undefined });
      }
      return `${name} ${body} ${JSON.stringify(b.metadata)} ${b.contentType ?? ''}`;
    })
    .sort();
}

const forecasts = (store: MemoryForecastStore) => JSON.stringify([...store.docs.entries()].sort());

for (const sourceId of ['site-meter', 'skycam'] as const) {
  test(`ingest-${sourceId} twice on the same trigger, with duplicates, malformed records and broken pictures: the same state`, async () => {
    const s = testServices(clock, testConfig(providers.urls));
    const run = makeIngestHandler(sourceId, () => s, { deps: { timer: new FakeTimer(), random: () => 0.5 } });
    const first = await run(timer, new InvocationContext());
    assert.ok(
      first.stored > 10 &&
        first.quarantined >= 3 &&
        first.received === first.stored + first.duplicates + first.quarantined,
      JSON.stringify(first),
    );
    const after1 = state(s.blobs, true);

    const second = await run(timer, new InvocationContext());
    assert.deepEqual(state(s.blobs, true), after1);
    assert.equal(second.stored, 0);

    // The harder retry: the first run stored everything but died before its watermark write. All is read again.
    await s.blobs.delete(CONTAINERS.state, `watermarks/${sourceId}.json`);
    const replay = await run(timer, new InvocationContext());
    assert.deepEqual([replay.stored, replay.received], [0, first.received]);
    assert.deepEqual(state(s.blobs, true), after1, 'nothing stored twice, every availableAt kept, same quarantine');
  });
}

test('preprocess-image twice on the same manifest, a good and each kind of broken picture: the same state', async () => {
  const s = testServices(clock);
  const handler = makePreprocessImageHandler(() => s);
  const pictures = [
    { name: 'good', bytes: await skyPng() },
    ...(await brokenImages(s.config.sources[3]?.maxImageBytes ?? 0)),
  ];
  const names = pictures.map(
    (_, i) => `skycam/park-1/2026-06-01/2026-06-01T${String(i).padStart(2, '0')}:00:00.000Z.png`,
  );
  for (const [i, picture] of pictures.entries())
    await s.blobs.putIfAbsent(CONTAINERS.images, names[i] as string, picture.bytes);
  const manifest = (await writePictureBatch(s.blobs, 'skycam', names, clock.now())) as string;
  const bytes = (await s.blobs.get(CONTAINERS.images, manifest))?.body as Buffer;
  const context = () =>
    new InvocationContext({
      functionName: 'preprocess-image',
      triggerMetadata: { name: manifest.slice(PICTURE_BATCH_PREFIX.length), blobTrigger: `images/${manifest}` },
      logHandler: () => undefined,
    });
  await handler(bytes, context());
  const once = state(s.blobs, false);
  await handler(bytes, context());
  assert.deepEqual(state(s.blobs, false), once);
  assert.equal(s.blobs.names(CONTAINERS.features).length, 1);
  assert.equal(s.blobs.names(CONTAINERS.quarantine).filter((n) => n.endsWith('.json')).length, pictures.length - 1);
});

test('predict twice on the same trigger: the same blobs (status included) and the same forecasts', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:04:30Z')));
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'site-meter',
    site: 'park-1',
    observedAt: '2026-06-01T11:30:00.000Z',
    availableAt: '2026-06-01T11:59:00.000Z',
    values: { power_kw: 1700, ghi_wm2: 650 },
  });
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'weather',
    site: 'park-1',
    observedAt: '2026-06-01T11:30:00.000Z',
    availableAt: '2026-06-01T11:50:00.000Z',
    values: { temp_c: 20, wind_speed_ms: 5, wind_dir_deg: 270, humidity_pct: 60, pressure_hpa: 1013 },
  });
  const handler = makePredictHandler(() => s);
  await handler(timer, new InvocationContext());
  const blobs = state(s.blobs, false);
  const docs = forecasts(s.forecasts);
  assert.equal(s.forecasts.docs.size, 1);
  await handler(timer, new InvocationContext());
  assert.deepEqual(state(s.blobs, false), blobs);
  assert.equal(forecasts(s.forecasts), docs);
});
