import '../support/testEnv';
import { nativeProvider } from '../support/nativeProvider';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import { makeIngestHandler } from '../../functions/ingest';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { startProviders, type RunningProviders } from '../../local/providers/startProviders';
import { World } from '../../local/world/World';
import { FixedClock } from '../support/fixedClock';
import { testConfig, testServices } from '../support/testServices';
import { storedPictures } from '../support/storedPictures';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
let providers: RunningProviders;

before(async () => {
  const config = testConfig();
  const world = new World({ seed: 7, sites: config.sites });
  providers = await startProviders({
    world,
    clock,
    providers: (['site-meter', 'neighbors', 'weather', 'skycam'] as const).map((id) => ({
      id,
      port: 0,
      apiKey: 'test-key',
    })),
  });
});
after(() => providers.close());

function services() {
  return testServices(clock, testConfig(providers.urls));
}

test('ingest stores every published observation once, with observedAt and availableAt, and advances its watermark', async () => {
  clock.set('2026-06-01T12:00:00Z');
  const s = services();
  const run = makeIngestHandler('site-meter', () => s);
  const first = await run(timer, new InvocationContext({ functionName: 'ingest-site-meter' }));
  // Six hours of lookback at one observation per 10 minutes; the last 20-40 minutes are not published yet.
  assert.ok(first.stored >= 32 && first.stored <= 36, `stored ${first.stored}`);
  assert.equal(first.quarantined, 0);
  assert.equal(first.caughtUp, true);
  const names = s.blobs.names(CONTAINERS.raw);
  assert.equal(names.length, first.stored);
  const obs = JSON.parse((await s.blobs.get(CONTAINERS.raw, names[0] as string))?.body.toString() ?? '{}');
  assert.equal(obs.availableAt, '2026-06-01T12:00:00.000Z');
  assert.ok(obs.observedAt < obs.availableAt);
  assert.deepEqual(Object.keys(obs.values).sort(), ['ghi_wm2', 'power_kw']);

  // Running again at the same time finds nothing new and changes nothing.
  const again = await run(timer, new InvocationContext());
  assert.equal(again.stored, 0);
  assert.equal(s.blobs.names(CONTAINERS.raw).length, first.stored);

  // Half an hour later: the observations published meanwhile, including late ones for earlier slots.
  clock.advanceMinutes(30);
  const later = await run(timer, new InvocationContext());
  assert.ok(later.stored >= 2 && later.stored <= 4, `stored ${later.stored}`);
  const stored = await Promise.all(
    s.blobs
      .names(CONTAINERS.raw)
      .map(async (n) => JSON.parse((await s.blobs.get(CONTAINERS.raw, n))?.body.toString() ?? '{}')),
  );
  const observed = stored.map((o) => o.observedAt).sort();
  assert.equal(new Set(observed).size, observed.length, 'no observation stored twice');
  const state = JSON.parse(
    (await s.blobs.get(CONTAINERS.state, 'watermarks/site-meter.json'))?.body.toString() ?? '{}',
  );
  assert.ok(state.since > '2026-06-01T12:00:00.000Z' && state.since <= '2026-06-01T12:30:00.000Z', state.since);
});

test('ingest of the image source stores pictures in their own container with their times', async () => {
  clock.set('2026-06-01T12:00:00Z');
  const s = services();
  const result = await makeIngestHandler('skycam', () => s)(
    timer,
    new InvocationContext({ functionName: 'ingest-skycam' }),
  );
  assert.ok(result.stored >= 32, `stored ${result.stored}`);
  const names = storedPictures(s.blobs);
  assert.equal(names.length, result.stored);
  assert.match(names[0] as string, /^skycam\/park-1\/2026-06-01\/2026-06-01T\d\d:\d0:00\.000Z\.png$/);
  const png = await s.blobs.get(CONTAINERS.images, names[0] as string);
  assert.equal(png?.contentType, 'image/png');
  assert.equal(png?.metadata['availableat'], '2026-06-01T12:00:00.000Z');
  assert.equal(s.blobs.names(CONTAINERS.raw).length, 0);
});

test('a provider that refuses the key fails the run with a clear, retry-less error that does not show the key', async () => {
  const config = testConfig(providers.urls);
  const meter = config.sources.find((x) => x.id === 'site-meter');
  if (meter) nativeProvider(meter.provider).apiKey = 'wrong-secret-key';
  const s = testServices(clock, config);
  await assert.rejects(
    makeIngestHandler('site-meter', () => s)(timer, new InvocationContext()),
    (err: Error & { canRetry?: () => boolean }) => {
      assert.match(err.message, /site-meter.*HTTP 401/);
      assert.equal(err.canRetry?.(), false);
      assert.doesNotMatch(err.message, /wrong-secret-key/);
      return true;
    },
  );
  assert.deepEqual(
    s.blobs.names(CONTAINERS.state),
    ['status/ingest-site-meter.json'],
    'no watermark written, only the failed outcome',
  );
  const status = await s.status.read('ingest-site-meter');
  assert.equal(status?.ok, false);
  assert.match(status?.summary ?? '', /HTTP 401/);
  assert.doesNotMatch(JSON.stringify(status), /wrong-secret-key/);
});
