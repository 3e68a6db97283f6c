import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Container, CosmosClient, ErrorResponse } from '@azure/cosmos';
import { ProcessGroup } from '../../../local/services/ProcessGroup';
import { type CosmosService, cosmosClientOptions, startCosmos } from '../../../local/services/startCosmos';

interface Forecast {
  id: string;
  site: string;
  issueTime: string;
  values: number[];
  status?: string;
}

const LATEST_FOR_SITE = 'SELECT TOP 1 * FROM c WHERE c.site = @site ORDER BY c.issueTime DESC';

const FORECASTS: Forecast[] = [
  { id: 'park-1|2024-01-01T00:00Z', site: 'park-1', issueTime: '2024-01-01T00:00:00Z', values: [1, 2] },
  { id: 'park-1|2024-01-01T06:00Z', site: 'park-1', issueTime: '2024-01-01T06:00:00Z', values: [3, 4] },
  { id: 'park-1|2024-01-01T03:00Z', site: 'park-1', issueTime: '2024-01-01T03:00:00Z', values: [5, 6] },
  { id: 'park-2|2024-01-01T09:00Z', site: 'park-2', issueTime: '2024-01-01T09:00:00Z', values: [7, 8] },
];

describe('startCosmos', () => {
  const group = new ProcessGroup();
  let dataDir: string;
  let cosmos: CosmosService;
  let client: CosmosClient;
  let forecasts: Container;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cosmos-test-'));
    cosmos = group.add(await startCosmos({ dataDir, port: 0, snapshotIntervalMs: 200 }));
    client = new CosmosClient(cosmosClientOptions(cosmos.endpoint, cosmos.key));
  });
  after(async () => {
    client.dispose();
    try {
      await group.stopAll();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('creates the database and container, upserts forecasts and finds the latest per site', async () => {
    const { database } = await client.databases.createIfNotExists({ id: 'forecasting' });
    ({ container: forecasts } = await database.containers.createIfNotExists({
      id: 'forecasts',
      partitionKey: { paths: ['/site'] },
      defaultTtl: 7 * 24 * 3600,
    }));
    for (const forecast of FORECASTS) await forecasts.items.upsert(forecast);

    for (const [site, expectedId] of [
      ['park-1', 'park-1|2024-01-01T06:00Z'],
      ['park-2', 'park-2|2024-01-01T09:00Z'],
    ]) {
      const { resources } = await forecasts.items
        .query<Forecast>(
          { query: LATEST_FOR_SITE, parameters: [{ name: '@site', value: site! }] },
          { partitionKey: site },
        )
        .fetchAll();
      assert.deepEqual(
        resources.map((r) => r.id),
        [expectedId],
      );
    }
  });

  it('replaces with the current ETag and refuses a stale one with 412', async () => {
    const item = forecasts.item('park-1|2024-01-01T06:00Z', 'park-1');
    const { resource, etag } = await item.read<Forecast>();
    assert.ok(resource && etag);
    const replaced = await item.replace(
      { ...resource, status: 'published' },
      { accessCondition: { type: 'IfMatch', condition: etag } },
    );
    assert.equal(replaced.statusCode, 200);
    assert.notEqual(replaced.etag, etag);

    await assert.rejects(
      item.replace({ ...resource, status: 'stale-writer' }, { accessCondition: { type: 'IfMatch', condition: etag } }),
      (err: unknown) => err instanceof ErrorResponse && err.code === 412,
    );
    const { resource: after412 } = await item.read<Forecast>();
    assert.equal(after412?.status, 'published');
  });

  it('stops cleanly and restores databases, containers and documents on the next start', async (t) => {
    const before = await allForecasts(forecasts);
    const stopped = Date.now();
    await cosmos.stop();
    t.diagnostic(`cosmos stop (with final snapshot): ${Date.now() - stopped} ms`);
    assert.throws(() => process.kill(cosmos.pid, 0), { code: 'ESRCH' });

    const started = Date.now();
    cosmos = group.add(await startCosmos({ dataDir, port: 0, snapshotIntervalMs: 200 }));
    t.diagnostic(`cosmos start-up with restore of ${cosmos.restoredDocuments} documents: ${Date.now() - started} ms`);
    assert.equal(cosmos.restoredDocuments, FORECASTS.length);
    client.dispose();
    client = new CosmosClient(cosmosClientOptions(cosmos.endpoint, cosmos.key));
    const database = client.database('forecasting');
    forecasts = database.container('forecasts');

    const { resource: definition } = await forecasts.read();
    assert.deepEqual(definition?.partitionKey?.paths, ['/site']);
    assert.equal(definition?.defaultTtl, 7 * 24 * 3600);
    assert.deepEqual(await allForecasts(forecasts), before);
    const { resources } = await forecasts.items
      .query<Forecast>(
        { query: LATEST_FOR_SITE, parameters: [{ name: '@site', value: 'park-1' }] },
        { partitionKey: 'park-1' },
      )
      .fetchAll();
    assert.equal(resources[0]?.status, 'published');
  });

  it('restarts on the same port, so a client made before the restart keeps working', async () => {
    const port = cosmos.port;
    await cosmos.stop();
    cosmos = group.add(await startCosmos({ dataDir, port, snapshotIntervalMs: 200 }));
    assert.equal(cosmos.port, port);
    const { resource } = await forecasts.item('park-2|2024-01-01T09:00Z', 'park-2').read<Forecast>();
    assert.deepEqual(resource?.values, [7, 8]);
  });
});

/** Documents by id, without the system properties the server regenerates. */
async function allForecasts(container: Container): Promise<Record<string, unknown>[]> {
  const { resources } = await container.items.readAll<Forecast & Record<string, unknown>>().fetchAll();
  return resources
    .map(({ _rid, _self, _etag, _ts, ...body }) => body)
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}
