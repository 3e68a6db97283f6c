import '../support/testEnv';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { makeCompactHandler } from '../../functions/compact';
import { makeHealthDetailsHandler } from '../../functions/health';
import { makeIngestHandler } from '../../functions/ingest';
import { makePredictHandler, makePredictTimerHandler } from '../../functions/predict';
import { makePredictShardHandler } from '../../functions/predictShard';
import { makePreprocessImageHandler } from '../../functions/preprocessImage';
import { benchSites } from '../../local/bench/benchSites';
import { type BlobRequestCounts, CountingBlobStore } from '../../local/bench/CountingBlobStore';
import type { ProviderBehaviour } from '../../local/providers/ProviderBehaviour';
import { RELIABLE_BEHAVIOUR } from '../../local/providers/ProviderBehaviour';
import { startProviders } from '../../local/providers/startProviders';
import { ProcessGroup } from '../../local/services/ProcessGroup';
import { startAzurite } from '../../local/services/startAzurite';
import { publishDelayRangeMs } from '../../local/world/publishDelayMs';
import { World } from '../../local/world/World';
import { WORLD_SOURCE_IDS } from '../../local/world/WorldSource';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { loadConfig } from '../../shared/config/loadConfig';
import { costInputsFromConfig, predictShardCount } from '../../shared/cost/CostInputs';
import { dashboardUsage } from '../../shared/cost/dashboardUsage';
import { type BlobOperations, compactRun, imageBatches, runOperations } from '../../shared/cost/runOperations';
import { PICTURE_BATCH_PREFIX } from '../../shared/features/PictureBatch';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { PersistenceModelSource } from '../../shared/predict/PersistenceModelSource';
import { RegistryModelSource } from '../../shared/predict/RegistryModelSource';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import type { Services } from '../../shared/runtime/createServices';
import { createProviderAdapter } from '../../shared/sources/createProviderAdapter';
import { isDayBlob } from '../../shared/sources/compactedDays';
import { batchFolder } from '../../shared/sources/observationBatches';
import { observationContainer } from '../../shared/sources/observationBlobs';
import { ObservationStore } from '../../shared/sources/ObservationStore';
import { AzureBlobStore } from '../../shared/storage/AzureBlobStore';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { QUEUES } from '../../shared/storage/MessageQueue';
import { StatusStore } from '../../shared/storage/StatusStore';
import { FixedClock } from '../support/fixedClock';
import { MemoryForecastStore } from '../support/MemoryForecastStore';
import { MemoryMessageQueue } from '../support/MemoryMessageQueue';
import { PROJECT_ROOT } from '../support/testServices';
import { TEST_SETTINGS } from '../support/testEnv';

/**
 * The cost model counts what the code does: each function's handler runs over Azurite through a counting blob store,
 * in steady state (warm-up rounds seed the watermarks and the recent states; preprocess-image runs on each manifest an
 * image run writes, as Event Grid would deliver it), and what one execution asks of Blob
 * Storage must equal runOperations' figures for the same inputs, exactly, for 1, 10 and 100 sites.
 *
 * The providers publish on a fixed delay (each source's longest), so every run of every source meets exactly what
 * the model's mean run meets: ingestion every 10 minutes (the model's ingestEveryMinutes set to match) brings one new
 * observation and picture per site; the weather model's hourly run arrives in one of six runs, so ingest-forecast is
 * counted over six runs (an hour) against six times the model's mean. With the simulated providers' random delays a
 * run would meet zero or two observations of a site now and then, and the counts would only match on average.
 * There is no champion model (health then reads no card: the model's `champion: false`).
 */

const group = new ProcessGroup();
const dirs: string[] = [];
after(async () => {
  try {
    await group.stopAll();
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
});

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
/** A June morning at the park: daylight, so every source has values. Ingestion runs at :05, :15, ... */
const START = '2026-06-01T10:05:00.000Z';
const INGEST_EVERY_MINUTES = 10;
const DAY_MS = 86_400_000;
const SENSORS = ['site-meter', 'neighbors', 'weather'] as const;
/** An invocation context whose logs go nowhere (the handlers log a line per site). */
const quiet = (functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext =>
  new InvocationContext({ functionName, logHandler: () => undefined, ...(triggerMetadata ? { triggerMetadata } : {}) });

/** Every observation published exactly the source's longest delay after it was observed. */
function fixedDelay(source: string): ProviderBehaviour {
  const { minMs, maxMs } = publishDelayRangeMs(source);
  return {
    ...RELIABLE_BEHAVIOUR,
    maxExtraDelayMs: maxMs - minMs,
    publishedAt: (_site, observedAt) => new Date(observedAt.getTime() + maxMs),
  };
}

function diff(after: BlobRequestCounts, before: BlobRequestCounts): BlobOperations {
  // Azure bills put and putIfAbsent as writes (CountingBlobStore counts both as put), and no delete.
  return {
    writes: after.put - before.put,
    reads: after.get - before.get,
    lists: after.list - before.list,
    deletes: after.delete - before.delete,
  };
}

for (const sites of [1, 10, 100]) {
  test(`one execution of each function makes the blob operations the cost model says, for ${sites} site(s)`, async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cost-counts-'));
    dirs.push(dataDir);
    const azurite = group.add(await startAzurite({ dataDir, blobPort: 0 }));
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    await Promise.all(Object.values(CONTAINERS).map((c) => service.getContainerClient(c).createIfNotExists()));
    const raw = new AzureBlobStore(service);
    const blobs = new CountingBlobStore(raw);

    const clock = new FixedClock(new Date(START));
    const shipped = loadConfig({ ...TEST_SETTINGS }, PROJECT_ROOT);
    const world = new World({ seed: 11, sites: benchSites(shipped, sites).sites });
    const providers = await startProviders({
      world,
      clock,
      providers: WORLD_SOURCE_IDS.map((id) => ({ id, port: 0, apiKey: 'test-key', behaviour: fixedDelay(id) })),
    });
    t.after(() => providers.close());
    const settings: Record<string, string> = { ...TEST_SETTINGS };
    for (const [id, url] of Object.entries(providers.urls))
      settings[`${id.toUpperCase().replace(/-/g, '_')}_ENDPOINT`] = url;
    const config: ForecastConfig = benchSites(loadConfig(settings, PROJECT_ROOT), sites);

    const runtime = new OnnxModelRuntime();
    const registry = new ModelRegistry(blobs, clock);
    const adapters = new Map(
      config.sources.map((s) => [s.id, createProviderAdapter(s, config, fetch, clock, { allowHttp: true })]),
    );
    const services: Services = {
      config,
      clock,
      blobs,
      observations: new ObservationStore(blobs),
      forecasts: new MemoryForecastStore(),
      registry,
      status: new StatusStore(blobs),
      models: new RegistryModelSource(registry, runtime, new PersistenceModelSource(config, runtime)),
      provider: (id) => adapters.get(id) ?? assert.fail(`no source ${id}`),
    };
    const ingest = (id: string, initialSince?: Date) =>
      makeIngestHandler(
        id,
        () => services,
        initialSince ? { options: { initialSince } } : {},
      )(timer, quiet(`ingest-${id}`));
    const preprocess = makePreprocessImageHandler(() => services);
    const predict = makePredictHandler(() => services);
    const health = makeHealthDetailsHandler(() => services, { maxAgeMs: 0 });
    // The manifests ingest-image writes (one per page of pictures): what Event Grid delivers to preprocess-image.
    const manifests = async (): Promise<Set<string>> => {
      const names = new Set<string>();
      for await (const item of raw.list(CONTAINERS.images, PICTURE_BATCH_PREFIX)) names.add(item.name);
      return names;
    };
    const preprocessAll = async (names: Iterable<string>): Promise<void> => {
      for (const name of names) {
        // The host's trigger download, not the app's: read past the counting store.
        const bytes = (await raw.get(CONTAINERS.images, name))?.body ?? assert.fail(`no manifest ${name}`);
        const outcome = await preprocess(
          bytes,
          quiet('preprocess-image', { name: name.slice(PICTURE_BATCH_PREFIX.length) }),
        );
        assert.ok(
          outcome.pictures.length > 0 && outcome.counts.stored === outcome.pictures.length,
          `${name}: ${JSON.stringify(outcome.counts)}`,
        );
      }
    };
    const started = Date.now();

    // Warm-up. First round: pictures, and their features, which create the features state (seeded from listings once).
    let seen = await manifests();
    const preprocessNew = async (): Promise<void> => {
      const now = await manifests();
      await preprocessAll([...now].filter((n) => !seen.has(n)));
      seen = now;
    };
    await ingest('skycam', new Date(clock.now().getTime() - 10 * 60_000));
    await preprocessNew();
    // Second round: watermarks and the other states, every site's features in the state (a site without any
    // available in the last day makes predict and health list its day folders of three days), predict's status.
    clock.advanceMinutes(INGEST_EVERY_MINUTES);
    const now = clock.now().getTime();
    for (const id of SENSORS) await ingest(id, new Date(now - 60 * 60_000));
    await ingest('nwp', new Date(now - 3 * 3_600_000));
    await ingest('skycam');
    await preprocessNew();
    // Third round: what the second stored is available now, so predict forecasts every site and the latest copy's
    // shard and the dashboard summary exist (a first run seeds the shard from per-site blobs of older versions).
    clock.advanceMinutes(INGEST_EVERY_MINUTES);
    for (const id of SENSORS) await ingest(id);
    await ingest('nwp');
    await ingest('skycam');
    await preprocessNew();
    const warmRun = await predict(timer, quiet('predict'));
    assert.deepEqual(warmRun.skipped, [], 'the warm-up forecasts every site');

    // One counted execution of each, ten minutes later.
    clock.advanceMinutes(INGEST_EVERY_MINUTES);
    const counted: Partial<Record<string, BlobOperations>> = {};
    const timings: string[] = [`warm-up ${Date.now() - started} ms`];
    const count = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
      const before = { ...blobs.counts };
      const at = Date.now();
      await fn();
      counted[name] = diff(blobs.counts, before);
      timings.push(`${name} ${Date.now() - at} ms`);
    };
    for (const id of SENSORS) await count(`ingest-${id}`, () => ingest(id));
    const known = await manifests();
    await count('ingest-image', async () => {
      const r = await ingest('skycam');
      assert.equal(r.stored, sites, 'one new picture per site');
    });
    const batches = [...(await manifests())].filter((n) => !known.has(n));
    await count('preprocess-image (all)', () => preprocessAll(batches));
    seen = await manifests();
    await count('predict', async () => {
      const r = await predict(timer, quiet('predict'));
      assert.deepEqual(r.skipped, [], 'every site forecast');
      assert.deepEqual(r.caughtUp, [], 'no slot to catch up');
    });
    await count('health', async () => {
      const answer = await health(
        new HttpRequest({ url: 'http://localhost/api/health/details', method: 'GET' }),
        quiet('health-details'),
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.jsonBody));
    });
    // The weather model has a new run once an hour: six runs, one of which stores it for every site.
    let runsStored = 0;
    await count('ingest-forecast (6 runs)', async () => {
      for (let i = 0; i < 6; i++) {
        if (i > 0) clock.advanceMinutes(INGEST_EVERY_MINUTES);
        runsStored += (await ingest('nwp')).stored;
      }
    });
    assert.equal(runsStored, sites, 'one new run per site in the hour');
    t.diagnostic(
      `${sites} site(s): ${Date.now() - started} ms (${timings.join(', ')}); counted ${JSON.stringify(counted)}`,
    );

    const inputs = costInputsFromConfig(config, { ingestEveryMinutes: INGEST_EVERY_MINUTES });
    const dash = dashboardUsage(inputs, 720);
    const model = runOperations(inputs, {
      champion: false,
      listsPerActuals: dash.listsPerActuals,
      readsPerActuals: dash.readsPerActuals,
      summaryShards: dash.summaryShards,
      dashboardReadsPerCall: dash.readsPerCall,
    });
    const times = (n: number, o: BlobOperations): BlobOperations => ({
      writes: n * o.writes,
      reads: n * o.reads,
      lists: n * o.lists,
      deletes: n * o.deletes,
    });
    // Every sensor source of the shipped configuration is read in per-site windows, so each run is the model's mean.
    for (const id of SENSORS) assert.deepEqual(counted[`ingest-${id}`], model['ingest-sensor'], `ingest-${id}`);
    assert.deepEqual(counted['ingest-image'], model['ingest-image'], 'ingest-image');
    // One execution per manifest, one manifest per page of pictures.
    assert.equal(batches.length, imageBatches(inputs).pagesPerRun, 'one manifest per page');
    assert.deepEqual(
      counted['preprocess-image (all)'],
      times(batches.length, model['preprocess-image']),
      'preprocess-image',
    );
    assert.deepEqual(counted['predict'], model.predict, 'predict');
    assert.deepEqual(counted['health'], model.health, 'health');
    assert.deepEqual(counted['ingest-forecast (6 runs)'], times(6, model['ingest-forecast']), 'ingest-forecast');

    // The next morning's compact run: each source's folders of the lookback days listed, every batch of the day
    // before read once and one compacted blob written per source that has any; run again, only the listings. The
    // batches are those this test stored (not a full day's): the model's formula is checked on the real count.
    const compactCounts = async (): Promise<void> => {
      const day = clock.now().toISOString().slice(0, 10);
      clock.set(new Date(Date.parse(day) + DAY_MS + inputs.compactAtHourUtc * 3_600_000));
      const batchesBySource: number[] = [];
      for (const source of config.sources) {
        let n = 0;
        for await (const item of raw.list(observationContainer(source), batchFolder(source.id, day)))
          if (!isDayBlob(item.name)) n++;
        batchesBySource.push(n);
      }
      assert.ok(
        batchesBySource.every((n) => n > 0),
        `every source stored batches on ${day}: ${batchesBySource}`,
      );
      const compact = makeCompactHandler(
        () => services,
        () => ({ lookbackDays: inputs.compactLookbackDays }),
      );
      await count('compact', () => compact(timer, quiet('compact')));
      assert.deepEqual(counted['compact'], compactRun(batchesBySource, inputs.compactLookbackDays), 'compact');
      await count('compact (again)', () => compact(timer, quiet('compact')));
      assert.deepEqual(
        counted['compact (again)'],
        compactRun(
          batchesBySource.map(() => 0),
          inputs.compactLookbackDays,
        ),
        'compact, nothing new',
      );
    };
    if (sites < 10) {
      await compactCounts();
      return;
    }

    // Sharded: the same sites in 3 predict shards. A round brings every source's next observations, as above.
    const round = async (): Promise<void> => {
      clock.advanceMinutes(INGEST_EVERY_MINUTES);
      for (const id of SENSORS) await ingest(id);
      await ingest('nwp');
      await ingest('skycam');
      await preprocessNew();
    };
    config.forecast.sitesPerShard = Math.ceil(sites / 3);
    const queues = new MemoryMessageQueue();
    services.queues = queues;
    const coordinator = makePredictTimerHandler(() => services);
    const shard = makePredictShardHandler(() => services);
    const runShards = async (counted?: (i: number, run: () => Promise<unknown>) => Promise<void>): Promise<void> => {
      for (const [i, message] of queues.drain(QUEUES.predictShards).entries()) {
        const run = async (): Promise<void> => {
          const outcome = await shard(message, quiet('predict-shard'));
          assert.ok('made' in outcome && outcome.made, JSON.stringify(outcome));
          // The warm-up catches up the slots of the weather model's hour, when the sensors were not ingested.
          if (counted) {
            assert.deepEqual(outcome.result.skipped, [], 'every site of the shard forecast');
            assert.deepEqual(outcome.result.caughtUp, [], 'no slot to catch up');
          }
        };
        await (counted ? counted(i, run) : run());
      }
    };
    // Warm-up: the shards' first run (their records do not exist yet; they catch up from predict's cursor).
    await round();
    await coordinator(timer, quiet('predict'));
    await runShards();
    await round();
    await count('predict (coordinator)', () => coordinator(timer, quiet('predict')));
    assert.equal(queues.sent.get(QUEUES.predictShards)?.length, 3, 'one message per shard');
    await runShards((i, run) => count(`predict-shard ${i}`, run));
    await count('health (sharded)', async () => {
      const answer = await health(
        new HttpRequest({ url: 'http://localhost/api/health/details', method: 'GET' }),
        quiet('health-details'),
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.jsonBody));
    });
    const shardedInputs = costInputsFromConfig(config, { ingestEveryMinutes: INGEST_EVERY_MINUTES });
    const sharded = runOperations(shardedInputs, {
      champion: false,
      listsPerActuals: dash.listsPerActuals,
      readsPerActuals: dash.readsPerActuals,
      summaryShards: dash.summaryShards,
      dashboardReadsPerCall: dash.readsPerCall,
    });
    assert.equal(predictShardCount(shardedInputs), 3);
    assert.deepEqual(counted['predict (coordinator)'], sharded.predict, 'predict, sharded: the coordinator');
    for (const i of [0, 1, 2]) assert.deepEqual(counted[`predict-shard ${i}`], sharded['predict-shard'], `shard ${i}`);
    assert.deepEqual(counted['health (sharded)'], sharded.health, 'health, sharded');
    await compactCounts();
  });
}
