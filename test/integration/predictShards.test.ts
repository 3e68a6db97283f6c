import '../support/testEnv';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { QueueServiceClient } from '@azure/storage-queue';
import { FunctionsHost } from '../../local/host/FunctionsHost';
import { ProcessGroup } from '../../local/services/ProcessGroup';
import { startAzurite } from '../../local/services/startAzurite';
import { startCosmos } from '../../local/services/startCosmos';
import { setupStores } from '../../local/setupStores';
import type { Forecast } from '../../shared/forecast/Forecast';
import { ForecastSummaryStore, type SiteSummary, summaryShards } from '../../shared/predict/ForecastSummaryStore';
import { planShards } from '../../shared/predict/planShards';
import { predictAll } from '../../shared/predict/predictAll';
import { PREDICT_STATUS, predictShardStatus } from '../../shared/predict/PredictRunStore';
import { createServices } from '../../shared/runtime/createServices';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { QUEUES } from '../../shared/storage/MessageQueue';
import { ScaledClock } from '../../shared/time/ScaledClock';
import { PROJECT_ROOT } from '../support/testServices';

/**
 * A sharded predict on the real stack: Azurite (blobs and queues), the Cosmos server and the local Functions host
 * running the app's own entry point. 12 sites at 5 per shard: the `predict` timer enqueues 3 messages on
 * predict-shards, the host's queue trigger runs `predict-shard` for each, and the forecasts in Cosmos DB, the latest
 * copies and the dashboard summary equal what one unsharded run made of the same observations.
 */

const group = new ProcessGroup();
const dirs: string[] = [];
let host: FunctionsHost | undefined;
after(async () => {
  try {
    await host?.stop();
    await group.stopAll();
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
});

const SITES = 12;
const SITES_PER_SHARD = 5;
/** Three minutes into the 12:00 slot of a June day; the clock barely moves, so every run makes the same slot. */
const NOW = new Date('2026-06-01T12:03:00.000Z');
const YEARLY = '0 0 0 1 1 *';

test(
  'predict sharded through the Storage queue and the host’s queue trigger makes what one unsharded run makes',
  { timeout: 300_000 },
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'predict-shards-'));
    dirs.push(dataDir);
    const [azurite, cosmos] = await Promise.all([
      startAzurite({ dataDir: join(dataDir, 'azurite'), blobPort: 0 }),
      startCosmos({ dataDir: join(dataDir, 'cosmos'), port: 0 }),
    ]);
    group.add(azurite);
    group.add(cosmos);
    const stores = {
      azuriteConnectionString: azurite.connectionString,
      cosmosEndpoint: cosmos.endpoint,
      cosmosKey: cosmos.key,
    };
    await setupStores(stores);
    await setupStores({ ...stores, container: 'reference' });

    // The shipped configuration with 12 sites, 5 per shard.
    const shipped = JSON.parse(await readFile(join(PROJECT_ROOT, 'config/solar-park.json'), 'utf8')) as {
      sites: { id: string; latitude: number }[];
      forecast: Record<string, unknown>;
    };
    const [park] = shipped.sites;
    assert.ok(park);
    shipped.sites = Array.from({ length: SITES }, (_, i) => ({
      ...park,
      id: `park-${i + 1}`,
      latitude: park.latitude + i * 0.05,
    }));
    shipped.forecast = { ...shipped.forecast, sitesPerShard: SITES_PER_SHARD };
    const configPath = join(dataDir, 'config.json');
    await writeFile(configPath, JSON.stringify(shipped));

    const settings: Record<string, string> = {
      ...(process.env as Record<string, string>),
      FORECAST_CONFIG: configPath,
      AzureWebJobsStorage: azurite.connectionString,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      PREDICT_SCHEDULE: YEARLY,
      COST_WATCH_SCHEDULE: YEARLY,
      COMPACT_SCHEDULE: YEARLY,
      ...Object.fromEntries(
        ['SITE_METER', 'NEIGHBORS', 'WEATHER', 'SKYCAM', 'NWP'].map((p) => [`INGEST_${p}_SCHEDULE`, YEARLY]),
      ),
      // A shared clock that all but stands still: the reference run and the shards make the same slot.
      CLOCK_SPEED: '0.000001',
      CLOCK_VIRTUAL_START: NOW.toISOString(),
      CLOCK_REAL_START: String(Date.now()),
    };
    // The app's functions read their settings from the environment when the host loads them, as in Azure.
    Object.assign(process.env, settings);
    const reference = createServices({ ...settings, COSMOS_CONTAINER: 'reference' });
    const config = reference.config;
    assert.equal(planShards(config).length, 3);

    // Every site's meter and weather of the last hour, available 25 minutes after they were observed.
    for (const [i, site] of config.sites.entries()) {
      for (const back of [60, 50, 40, 30]) {
        const observedAt = new Date(NOW.getTime() - (back + 3) * 60_000);
        const availableAt = new Date(observedAt.getTime() + 25 * 60_000).toISOString();
        await reference.observations.putIfAbsent(CONTAINERS.raw, {
          source: 'site-meter',
          site: site.id,
          observedAt: observedAt.toISOString(),
          availableAt,
          values: { power_kw: 1500 + 40 * i - back, ghi_wm2: 600 + 5 * i },
        });
        await reference.observations.putIfAbsent(CONTAINERS.raw, {
          source: 'weather',
          site: site.id,
          observedAt: observedAt.toISOString(),
          availableAt,
          values: { temp_c: 18 + i / 10, wind_speed_ms: 4, wind_dir_deg: 250, humidity_pct: 60, pressure_hpa: 1012 },
        });
      }
    }

    // The reference: one unsharded run, into its own Cosmos container; then its blobs and record are removed.
    // What the unsharded predict function runs (functions/ is not imported: the host must load the app first).
    const made = await predictAll(reference);
    assert.equal(made.forecasts.length, SITES, JSON.stringify(made.skipped));
    const expected = await latestForecasts(
      reference.forecasts,
      config.sites.map((s) => s.id),
    );
    const expectedSummary = await summarySites(reference.blobs, SITES);
    for await (const item of reference.blobs.list(CONTAINERS.forecasts, ''))
      await reference.blobs.delete(CONTAINERS.forecasts, item.name);
    await reference.blobs.delete(CONTAINERS.state, `status/${PREDICT_STATUS}.json`);

    // Sharded: the host runs the timer (the coordinator), then its queue trigger runs the three shards.
    host = await FunctionsHost.start({
      appRoot: PROJECT_ROOT,
      clock: new ScaledClock({ virtualStart: NOW, realStartMs: Number(settings['CLOCK_REAL_START']), speed: 0.000001 }),
      settings,
      httpPort: 0,
      queuePollIntervalMs: 100,
      log: () => undefined,
    });
    const invocations: { name: string; ok: boolean; error?: string }[] = [];
    host.on('invocation', (e) =>
      invocations.push({ name: e.functionName, ok: e.ok, ...(e.error ? { error: e.error } : {}) }),
    );
    await host.runTimer('predict');
    const app = createServices(settings);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const records = await Promise.all([0, 1, 2].map((i) => app.status.read(predictShardStatus(i, 3))));
      if (records.every((r) => r?.details?.['issueTime'] === made.issueTime)) break;
      assert.ok(
        Date.now() < deadline,
        `the shards did not all run: ${JSON.stringify(records)} ${JSON.stringify(invocations)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await host.idle();
    assert.deepEqual(
      invocations.filter((i) => i.name === 'predict-shard').map((i) => i.ok),
      [true, true, true],
      JSON.stringify(invocations),
    );
    const coordinator = await app.status.read(PREDICT_STATUS);
    assert.match(coordinator?.summary ?? '', /3 shard\(s\) of 12 site\(s\) enqueued/);
    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(
      QUEUES.predictShards,
    );
    assert.equal(
      (await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.length,
      0,
      'every message deleted',
    );

    assert.deepEqual(
      await latestForecasts(
        app.forecasts,
        config.sites.map((s) => s.id),
      ),
      expected,
      'Cosmos DB',
    );
    assert.deepEqual(await summarySites(app.blobs, SITES), expectedSummary, 'dashboard summary');

    // A message delivered again writes nothing new.
    const before = await blobEtags(app.blobs);
    await queue.sendMessage(
      Buffer.from(JSON.stringify({ version: 1, issueTime: made.issueTime, shard: 1, shards: 3 })).toString('base64'),
    );
    // A malformed one is refused and deleted, not retried.
    await queue.sendMessage(Buffer.from('{"version":1,"shard":"first"}').toString('base64'));
    const runs = invocations.length;
    const settled = Date.now() + 60_000;
    while (invocations.length < runs + 2) {
      assert.ok(Date.now() < settled, 'both messages were delivered');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await host.idle();
    assert.deepEqual(
      invocations.slice(runs).map((i) => i.ok),
      [true, true],
    );
    assert.deepEqual(await blobEtags(app.blobs), before, 'nothing written');
    assert.equal((await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.length, 0);
  },
);

/** Each site's latest forecast in Cosmos DB, without when it was written. */
async function latestForecasts(
  store: { latest(site: string): Promise<Forecast | undefined> },
  sites: string[],
): Promise<Omit<Forecast, 'createdAt'>[]> {
  const out: Omit<Forecast, 'createdAt'>[] = [];
  for (const site of sites) {
    const f = await store.latest(site);
    assert.ok(f, `a forecast of ${site}`);
    const { createdAt: _, ...rest } = f;
    out.push(
      JSON.parse(JSON.stringify(rest, (k, v: unknown) => (k.startsWith('_') ? undefined : v))) as Omit<
        Forecast,
        'createdAt'
      >,
    );
  }
  return out;
}

/** Every site of the dashboard summary, without when its forecast was written. */
async function summarySites(
  blobs: ConstructorParameters<typeof ForecastSummaryStore>[0],
  sites: number,
): Promise<Record<string, unknown>> {
  const shards = summaryShards(sites);
  const store = new ForecastSummaryStore(blobs);
  const out: Record<string, unknown> = {};
  for (let shard = 0; shard < shards; shard++) {
    const read = await store.read(shard, shards);
    assert.ok(read, `summary shard ${shard}`);
    for (const [site, s] of Object.entries(read.summary.sites) as [string, SiteSummary][]) {
      const { createdAt: _, ...latest } = s.latest ?? ({} as Forecast);
      out[site] = { ...s, latest };
    }
  }
  return out;
}

async function blobEtags(
  blobs: ConstructorParameters<typeof ForecastSummaryStore>[0],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const container of Object.values(CONTAINERS))
    for await (const item of blobs.list(container, '')) out[`${container}/${item.name}`] = item.etag;
  return out;
}
