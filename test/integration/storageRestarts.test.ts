import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStack } from '../../local/LocalStack';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { trainAndPublish } from '../../shared/training/trainAndPublish';
import type { Forecast } from '../../shared/forecast/Forecast';
import { type StoredItem, storedItems } from '../support/storedItems';
import { type BlobItem, CONTAINERS } from '../../shared/storage/BlobStore';
import { ScaledClock } from '../../shared/time/ScaledClock';
import { addMinutes, floorToSlot } from '../../shared/time/slots';
import { World } from '../../local/world/World';

// The local stack on a fast virtual clock while Blob Storage (Azurite) and Cosmos DB (the Cosmos server) are stopped
// and restarted under it: each alone for an hour, then both at once. About two and a half real minutes.
const SPEED = 240;
const START = new Date('2026-06-18T04:00:00Z');
const SITE = 'park-1';
const SENSORS = ['site-meter', 'neighbors', 'weather'] as const;

type Outage = { what: 'azurite' | 'cosmos' | 'both'; from: Date; to: Date };

let stack: LocalStack;
let dataDir: string;
let clock: ScaledClock;
let hostUp: Date;
/** The first slot after the first model version was published (earlier ones are the stack's warm-up). */
let firstSlot: Date;
let end: Date;
const outages: Outage[] = [];
let forecasts: Forecast[];

/** Stops the service(s), keeps them down for `minutes` of virtual time, starts them again on the same ports and data. */
async function outage(what: Outage['what'], minutes: number): Promise<void> {
  const services = what === 'both' ? (['azurite', 'cosmos'] as const) : ([what] as const);
  const from = clock.now();
  await Promise.all(services.map((s) => stack.stopService(s)));
  await sleep(clock.realDelayUntil(addMinutes(from, minutes)));
  await Promise.all(services.map((s) => stack.startService(s)));
  outages.push({ what, from, to: clock.now() });
}

const runFor = (minutes: number): Promise<void> => sleep(clock.realDelayUntil(addMinutes(clock.now(), minutes)));

async function list(container: string, prefix: string): Promise<BlobItem[]> {
  const items: BlobItem[] = [];
  for await (const item of stack.services.blobs.list(container, prefix)) items.push(item);
  return items;
}

/** Every stored copy of a source's observations (pictures) at the site over the days the run touched, in both layouts. */
async function stored(container: string, source: string): Promise<StoredItem[]> {
  const days = new Set<string>();
  for (let t = addMinutes(hostUp, -24 * 60); t <= end; t = addMinutes(t, 12 * 60))
    days.add(t.toISOString().slice(0, 10));
  days.add(end.toISOString().slice(0, 10));
  return (
    await Promise.all([...days].map((d) => storedItems(stack.services.blobs, container, source, SITE, d)))
  ).flat();
}

/** Issue slots from the first one up to the last complete one that have no forecast in Cosmos DB. */
async function unservedSlots(until = clock.now()): Promise<string[]> {
  const issued = new Set(
    (await stack.services.forecasts.range(SITE, firstSlot, until).catch(() => [])).map((f) => f.issueTime),
  );
  const missing: string[] = [];
  for (let t = firstSlot; t <= addMinutes(floorToSlot(until, 10), -10); t = addMinutes(t, 10))
    if (!issued.has(t.toISOString())) missing.push(t.toISOString());
  return missing;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'restarts-'));
  clock = new ScaledClock({ virtualStart: START, realStartMs: Date.now(), speed: SPEED });
  stack = await LocalStack.start({
    dataDir,
    clock: clock.options,
    backfillDays: 3,
    ports: { http: 0, azurite: 0, cosmos: 0, providers: [] },
  });
  hostUp = clock.now();
  // A first model version, as `npm start` trains: its baseline on sun position alone serves the slots whose inputs
  // were all stale once the stores came back (caught-up slots are made as of their own issueTime).
  const s = stack.services;
  const first = await trainAndPublish(
    { config: s.config, blobs: s.blobs, clock: s.clock, runtime: new OnnxModelRuntime(), registry: s.registry },
    { historyDays: 2, kinds: ['gbdt'], gbdt: { nEstimators: 15 }, codeVersion: 'test' },
  );
  // This test is about the stores, not promotion: its first model serves whatever two days taught it.
  if (!first.promoted) await s.registry.promote(first.card.version, `promoted by the test (${first.reason})`);
  firstSlot = addMinutes(floorToSlot(clock.now(), 10), 10);
  await runFor(40);
  await outage('azurite', 60);
  await runFor(50);
  await outage('cosmos', 90);
  await runFor(50);
  await outage('both', 40);
  // Catch-up, with nobody's help: predict's missed slots and pending forecasts, ingestion from its watermark, the
  // image backlog. Given up to six virtual hours (the machine may be slow), then an hour more for the last pictures.
  const deadline = addMinutes(clock.now(), 6 * 60);
  while (
    clock.now() < deadline &&
    (await unservedSlots()).length + (await list(CONTAINERS.forecasts, 'pending/')).length > 0
  )
    await sleep(2_000);
  await runFor(60);
  end = clock.now();
  forecasts = await stack.services.forecasts.range(SITE, hostUp, end);
});

after(async () => {
  await stack?.stop();
  if (process.env['KEEP_TEST_DATA']) console.log(`kept ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
});

test('every issue slot has exactly one forecast, including the slots issued while a store was down', async () => {
  assert.deepEqual(await unservedSlots(end), [], `slots lost for good (outages ${JSON.stringify(outages)})`);
  const byIssue = new Map<string, number>();
  for (const f of forecasts) byIssue.set(f.issueTime, (byIssue.get(f.issueTime) ?? 0) + 1);
  assert.deepEqual(
    [...byIssue].filter(([, n]) => n > 1),
    [],
    'slots stored twice',
  );
  for (const f of forecasts)
    for (const i of f.inputs)
      assert.ok(i.availableAt <= f.issueTime, `${f.issueTime}: ${i.source} available ${i.availableAt}`);
});

test('slots issued while Blob Storage was down were made afterwards, as of their own issueTime', () => {
  const azurite = outages.filter((o) => o.what !== 'cosmos');
  const during = forecasts.filter((f) =>
    azurite.some((o) => f.issueTime > o.from.toISOString() && f.issueTime < addMinutes(o.to, -10).toISOString()),
  );
  assert.ok(during.length >= 6, `${during.length} forecasts issued during the Blob Storage outages`);
  // predict could not read its inputs then; a later run caught those slots up (the proof the outage bit).
  const late = during.filter((f) => new Date(f.createdAt).getTime() - new Date(f.issueTime).getTime() >= 20 * 60_000);
  assert.ok(late.length >= 3, `${late.length} of ${during.length} made late by catch-up`);
});

test('forecasts made while only Cosmos DB was down reached it from their pending copies', async () => {
  const cosmos = outages.find((o) => o.what === 'cosmos') as Outage;
  // Made (createdAt) while the Cosmos server was stopped: they can only have come from the pending copies in Blob Storage.
  const madeDuring = forecasts.filter(
    (f) => f.createdAt > cosmos.from.toISOString() && f.createdAt < cosmos.to.toISOString(),
  );
  assert.ok(madeDuring.length >= 1, `forecasts made during the Cosmos DB outage ${JSON.stringify(cosmos)}`);
  for (const f of madeDuring)
    assert.ok(f.issueTime <= f.createdAt && f.inputs.every((i) => i.availableAt <= f.issueTime));
  assert.deepEqual(
    (await list(CONTAINERS.forecasts, 'pending/')).map((b) => b.name),
    [],
    'no forecast left pending',
  );
});

test('ingestion caught up from its watermark: every observation stored once, none quarantined', async () => {
  // Observations published by the end (the providers publish 20-40 minutes after observing) must all be there.
  const from = addMinutes(floorToSlot(hostUp, 10), -12 * 60);
  const until = addMinutes(end, -60);
  const world = new World({
    seed: 42,
    sites: stack.services.config.sites.map((x) => ({ id: x.id, latitude: x.latitude, longitude: x.longitude })),
  });
  for (const source of SENSORS) {
    const blobs = await stored(CONTAINERS.raw, source);
    const observed = blobs.map((b) => b.metadata['observedat'] as string);
    assert.equal(new Set(observed).size, observed.length, `${source}: an observation stored twice`);
    for (const b of blobs)
      assert.ok(b.name.endsWith(`/${b.metadata['observedat']}.json`), `${b.name} named after its observedAt`);
    const have = new Set(observed);
    const missing: string[] = [];
    for (let t = from; t < until; t = addMinutes(t, 10)) if (!have.has(t.toISOString())) missing.push(t.toISOString());
    assert.deepEqual(missing, [], `${source}: observations never stored`);
    // Those the outages held back were stored late, with their true (late) availableAt. The vendor-shaped APIs do
    // not say when they published a value; the world does (the providers were up, only our storage was down).
    const published = (b: StoredItem): string =>
      world.publishedAt(source, SITE, new Date(b.metadata['observedat'] ?? '')).toISOString();
    const heldBack = blobs.filter((b) =>
      outages.some(
        (o) =>
          o.what !== 'cosmos' &&
          published(b) > o.from.toISOString() &&
          published(b) < addMinutes(o.to, -10).toISOString(),
      ),
    );
    assert.ok(heldBack.length >= 3, `${source}: ${heldBack.length} observations published during the outages`);
    for (const b of heldBack) {
      const outage = outages.find(
        (o) => o.what !== 'cosmos' && published(b) > o.from.toISOString() && published(b) < o.to.toISOString(),
      );
      if (outage)
        assert.ok(
          (b.metadata['availableat'] ?? '') >= outage.to.toISOString().slice(0, 16),
          `${b.name}: available ${b.metadata['availableat']}, the outage ended ${outage.to.toISOString()}`,
        );
    }
  }
  // The weather model's hourly runs too: every run published by the end (60-120 minutes after its runAt), once.
  const runs = (await stored(CONTAINERS.raw, 'nwp')).map((b) => b.metadata['observedat'] as string);
  assert.equal(new Set(runs).size, runs.length, 'nwp: a run stored twice');
  const missingRuns: string[] = [];
  for (let t = floorToSlot(from, 60); t < addMinutes(end, -120); t = addMinutes(t, 60))
    if (!runs.includes(t.toISOString())) missingRuns.push(t.toISOString());
  assert.deepEqual(missingRuns, [], 'nwp: runs never stored');
  const images = await stored(CONTAINERS.images, 'skycam');
  const features = await stored(CONTAINERS.features, 'skycam');
  assert.ok(images.length >= 100, `${images.length} sky images`);
  const featureNames = new Set(features.map((b) => b.name.replace(/\.json$/, '')));
  // Pictures stored in the last minutes may still wait for the trigger; every older one must have been processed.
  const settled = addMinutes(end, -20).toISOString();
  const unprocessed = images.filter(
    (b) => (b.metadata['availableat'] ?? '') < settled && !featureNames.has(b.name.replace(/\.[a-z]+$/, '')),
  );
  assert.deepEqual(
    unprocessed.map((b) => b.name),
    [],
    'images the blob trigger never processed',
  );
  assert.deepEqual(
    (await list(CONTAINERS.quarantine, '')).map((b) => b.name),
    [],
    'nothing quarantined because a store was down',
  );
});

test('health is green again on its own: both stores answer and the system can forecast', async () => {
  // The report is kept for 30 s of the virtual clock (well under a real second here); nothing earlier asked for it.
  const res = await fetch(`${stack.httpUrl}/api/health/details`);
  const body = (await res.json()) as { canForecast: boolean; services: Record<string, { ok: boolean }> };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.canForecast, true);
  assert.equal(body.services['blobStorage']?.ok, true);
  assert.equal(body.services['cosmosDb']?.ok, true);
});
