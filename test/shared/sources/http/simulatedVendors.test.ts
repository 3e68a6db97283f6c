import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../../shared/config/loadConfig';
import type { ForecastConfig } from '../../../../shared/config/ForecastConfig';
import { ingestSource } from '../../../../shared/ingest/ingestSource';
import { createProviderAdapter } from '../../../../shared/sources/createProviderAdapter';
import { observationBlobName } from '../../../../shared/sources/ObservationStore';
import { CONTAINERS } from '../../../../shared/storage/BlobStore';
import { type RunningProviders, startProviders } from '../../../../local/providers/startProviders';
import { World } from '../../../../local/world/World';
import { FakeTimer } from '../../../support/FakeTimer';
import { FixedClock } from '../../../support/fixedClock';
import { MemoryBlobStore } from '../../../support/MemoryBlobStore';
import { storedPictures } from '../../../support/storedPictures';

// The shipped configuration reads three of the simulated providers through their vendor-shaped APIs.
const ROOT = join(__dirname, '../../../../..');
const KEYS = {
  'site-meter': 'meter-key-123',
  neighbors: 'neighbors-key-123',
  weather: 'weather-key-123',
  skycam: 'skycam-key-123',
  nwp: 'nwp-key-123',
} as const;
const clock = new FixedClock(new Date('2026-06-21T12:03:00Z'));
const world = new World({ seed: 42, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] });
let running: RunningProviders;
let config: ForecastConfig;

before(async () => {
  running = await startProviders({
    world,
    clock,
    providers: (Object.keys(KEYS) as (keyof typeof KEYS)[]).map((id) => ({ id, port: 0, apiKey: KEYS[id] })),
  });
  const settings: Record<string, string> = {};
  for (const [id, key] of Object.entries(KEYS)) {
    const prefix = id.toUpperCase().replace(/-/g, '_');
    settings[`${prefix}_ENDPOINT`] = running.urls[id] as string;
    settings[`${prefix}_KEY`] = key;
  }
  config = parseConfig(JSON.parse(readFileSync(join(ROOT, 'config/solar-park.json'), 'utf8')), settings);
});

after(() => running.close());

for (const sourceId of ['site-meter', 'neighbors', 'weather'] as const) {
  test(`${sourceId}: the adapter stores what the provider published, in our units, and a second run only finds duplicates`, async () => {
    const source = config.sources.find((s) => s.id === sourceId);
    assert.ok(source);
    const blobs = new MemoryBlobStore();
    const provider = createProviderAdapter(source, config, fetch, clock);
    const run = () =>
      ingestSource(
        source,
        new Set(['park-1']),
        { blobs, clock, provider, timer: new FakeTimer() },
        { initialSince: new Date('2026-06-21T08:00:00Z') },
      );
    const first = await run();
    assert.equal(first.quarantined, 0, JSON.stringify(first));
    assert.equal(first.quarantinedPages, 0);
    assert.ok(first.stored >= 20, `${first.stored} stored`);
    assert.equal(first.caughtUp, true);
    assert.equal(first.to, clock.now().toISOString(), 'the watermark is the end of the last window');
    // Every stored value is the world's, converted back to the configured units.
    const name = observationBlobName(sourceId, 'park-1', '2026-06-21T10:00:00.000Z');
    const stored = JSON.parse((await blobs.get(CONTAINERS.raw, name))?.body.toString('utf8') ?? '{}') as {
      values: Record<string, number>;
    };
    const truth = world.sensorValues(sourceId, 'park-1', new Date('2026-06-21T10:00:00Z'));
    for (const field of source.fields)
      assert.ok(
        Math.abs((stored.values[field] ?? NaN) - (truth[field] ?? NaN)) < 0.06,
        `${field}: ${stored.values[field]} vs ${truth[field]}`,
      );
    clock.advanceMinutes(5);
    const second = await run();
    assert.equal(second.quarantined, 0);
    assert.ok(second.duplicates > 0, 'the overlap re-reads values already stored');
    clock.advanceMinutes(-5);
  });
}

test('nwp: the native provider serves hourly runs published 60-120 minutes after runAt, each stored once as the world computed it; a second run writes nothing new', async () => {
  const source = config.sources.find((s) => s.id === 'nwp');
  assert.ok(source);
  assert.equal(source.kind, 'forecast');
  const blobs = new MemoryBlobStore();
  const provider = createProviderAdapter(source, config, fetch, clock);
  const run = () =>
    ingestSource(
      source,
      new Set(['park-1']),
      { blobs, clock, provider, timer: new FakeTimer() },
      { initialSince: new Date('2026-06-21T00:00:00Z') },
    );
  const first = await run();
  assert.equal(first.quarantined, 0, JSON.stringify(first));
  // Published after midnight: runs from 22:00 the day before (at most two hours late) to 11:00 (at least one hour).
  assert.ok(first.stored >= 10 && first.stored <= 14, `${first.stored} stored`);
  const names = blobs.names(CONTAINERS.raw);
  assert.ok(
    names.every((n) => /^nwp\/park-1\/2026-06-2[01]\/2026-06-2[01]T\d\d:00:00\.000Z\.json$/.test(n)),
    names.join(),
  );
  assert.ok(names.includes(observationBlobName('nwp', 'park-1', '2026-06-21T09:00:00.000Z')), 'a run published by now');
  const stored = JSON.parse(
    (await blobs.get(CONTAINERS.raw, observationBlobName('nwp', 'park-1', '2026-06-21T08:00:00.000Z')))?.body.toString(
      'utf8',
    ) ?? '{}',
  ) as { values: Record<string, number>; publishedAt: string };
  assert.deepEqual(stored.values, world.nwpRun('park-1', new Date('2026-06-21T08:00:00Z')));
  const delay = Date.parse(stored.publishedAt) - Date.parse('2026-06-21T08:00:00Z');
  assert.ok(delay >= 60 * 60_000 && delay <= 120 * 60_000, `published ${delay / 60_000} min after runAt`);
  const second = await run();
  assert.equal(second.stored, 0);
  assert.equal(second.quarantined, 0);
  assert.equal(blobs.names(CONTAINERS.raw).length, names.length);
});

test('site-meter: a window that starts inside the repeated autumn hour (Copenhagen local time) reads both occurrences right', async () => {
  const source = config.sources.find((s) => s.id === 'site-meter');
  assert.ok(source);
  // The providers' clock too: they publish what is observed by then.
  const before = clock.now();
  clock.set('2026-10-25T03:30:00Z');
  const at = clock;
  const blobs = new MemoryBlobStore();
  const provider = createProviderAdapter(source, config, fetch, at);
  // 01:15Z is 02:15 CET, the second 02:15 of the night; the request cannot say so, and is widened to the first.
  const r = await ingestSource(
    source,
    new Set(['park-1']),
    { blobs, clock: at, provider, timer: new FakeTimer() },
    { initialSince: new Date('2026-10-25T01:15:00Z') },
  );
  assert.equal(r.quarantined, 0, JSON.stringify(r));
  for (const t of ['2026-10-25T00:20:00.000Z', '2026-10-25T01:20:00.000Z', '2026-10-25T02:20:00.000Z']) {
    const stored = JSON.parse(
      (await blobs.get(CONTAINERS.raw, observationBlobName('site-meter', 'park-1', t)))?.body.toString('utf8') ?? '{}',
    ) as { values?: Record<string, number> };
    const truth = world.sensorValues('site-meter', 'park-1', new Date(t));
    assert.ok(stored.values, `${t} stored`);
    assert.ok(
      Math.abs((stored.values['ghi_wm2'] ?? NaN) - (truth['ghi_wm2'] ?? NaN)) < 0.06,
      `${t}: ${stored.values['ghi_wm2']} vs ${truth['ghi_wm2']}`,
    );
  }
  clock.set(before);
});

test('skycam as a snapshot camera: the newest published picture, observedAt from Last-Modified, stored once however often it is fetched', async () => {
  const raw = JSON.parse(readFileSync(join(ROOT, 'config/solar-park.json'), 'utf8')) as {
    sources: { id: string; provider: unknown }[];
  };
  const cam = raw.sources.find((s) => s.id === 'skycam');
  assert.ok(cam);
  cam.provider = {
    protocol: 'snapshot',
    endpoint: '%SKYCAM_ENDPOINT%',
    auth: { kind: 'header', name: 'x-api-key', value: '%SKYCAM_KEY%' },
    request: { path: '/snapshot/{providerSiteId}.png' },
    observedAt: { from: 'last-modified' },
  };
  const settings = Object.fromEntries(
    Object.entries(KEYS).flatMap(([id, key]) => {
      const prefix = id.toUpperCase().replace(/-/g, '_');
      return [
        [`${prefix}_ENDPOINT`, running.urls[id] as string],
        [`${prefix}_KEY`, key],
      ];
    }),
  );
  const snapConfig = parseConfig(raw, settings);
  const source = snapConfig.sources.find((s) => s.id === 'skycam');
  assert.ok(source);
  const blobs = new MemoryBlobStore();
  const provider = createProviderAdapter(source, snapConfig, fetch, clock);
  const run = () => ingestSource(source, new Set(['park-1']), { blobs, clock, provider, timer: new FakeTimer() });
  const first = await run();
  assert.deepEqual([first.stored, first.duplicates, first.quarantined], [1, 0, 0]);
  const second = await run();
  assert.deepEqual([second.stored, second.duplicates, second.quarantined], [0, 1, 0], 'the same picture again');
  const names = storedPictures(blobs);
  assert.equal(names.length, 1);
  const observedAt = /\/([^/]+)\.png$/.exec(names[0] ?? '')?.[1] ?? '';
  // The newest picture published by now: observed on a 10-minute slot, 20-40 minutes ago, and published.
  const age = clock.now().getTime() - Date.parse(observedAt);
  assert.ok(
    Date.parse(observedAt) % 600_000 === 0 && age >= 20 * 60_000 && age <= 50 * 60_000,
    `observedAt ${observedAt}, ${age / 60_000} min old`,
  );
  assert.ok(world.publishedAt('skycam', 'park-1', new Date(observedAt)) <= clock.now());
});
