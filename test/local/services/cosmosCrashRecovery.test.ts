import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CosmosClient } from '@azure/cosmos';
import { COSMOS_SNAPSHOT_FILE } from '../../../local/services/CosmosSnapshotFile';
import { ProcessGroup } from '../../../local/services/ProcessGroup';
import { ServiceError } from '../../../local/services/ServiceError';
import { cosmosClientOptions, startCosmos } from '../../../local/services/startCosmos';
import { findFreePort } from '../../../local/services/findFreePort';
import { waitFor } from '../../../local/services/waitFor';

describe('startCosmos after a crash', () => {
  const group = new ProcessGroup();
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'cosmos-crash-test-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    try {
      await group.stopAll();
    } finally {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });

  it('brings back the data of the last snapshot after kill -9, and not the writes after it', async (t) => {
    const dataDir = await tempDir();
    const snapshotIntervalMs = 1_000;
    const first = group.add(await startCosmos({ dataDir, port: 0, snapshotIntervalMs }));
    const client = new CosmosClient(cosmosClientOptions(first.endpoint, first.key));
    const { database } = await client.databases.createIfNotExists({ id: 'forecasting' });
    const { container } = await database.containers.createIfNotExists({
      id: 'forecasts',
      partitionKey: { paths: ['/site'] },
    });
    await container.items.upsert({ id: 'before-snapshot', site: 'park-1', issueTime: '2024-01-01T00:00:00Z' });

    const snapshotPath = join(dataDir, COSMOS_SNAPSHOT_FILE);
    await waitFor(
      async () =>
        (await readFile(snapshotPath, 'utf8').catch(() => '')).includes('before-snapshot') ? true : undefined,
      {
        description: 'a snapshot holding the first document',
        timeoutMs: 5 * snapshotIntervalMs,
        intervalMs: 20,
      },
    );
    // The next snapshot is about a second away; this write and the kill happen well within it.
    await container.items.upsert({ id: 'after-snapshot', site: 'park-1', issueTime: '2024-01-01T06:00:00Z' });
    await first.kill();
    client.dispose();
    assert.throws(() => process.kill(first.pid, 0), { code: 'ESRCH' });

    const started = Date.now();
    const second = group.add(await startCosmos({ dataDir, port: first.port, snapshotIntervalMs }));
    t.diagnostic(`cosmos restart after kill -9: ${Date.now() - started} ms`);
    const reopened = new CosmosClient(cosmosClientOptions(second.endpoint, second.key));
    const forecasts = reopened.database('forecasting').container('forecasts');
    const { resource: kept } = await forecasts.item('before-snapshot', 'park-1').read();
    assert.equal(kept?.issueTime, '2024-01-01T00:00:00Z');
    const { statusCode } = await forecasts.item('after-snapshot', 'park-1').read();
    assert.equal(statusCode, 404);
    reopened.dispose();
    await second.stop();
  });

  it('holds requests that arrive during the restore, so every answer has every document', async (t) => {
    const dataDir = await tempDir();
    const documents = Array.from({ length: 10_000 }, (_, i) => ({
      id: `f${i}`,
      site: `park-${i % 20}`,
      values: [i, i + 1],
    }));
    const snapshot = {
      version: 1,
      takenAt: new Date().toISOString(),
      databases: [
        {
          id: 'forecasting',
          containers: [{ definition: { id: 'forecasts', partitionKey: { paths: ['/site'] } }, documents }],
        },
      ],
    };
    await writeFile(join(dataDir, COSMOS_SNAPSHOT_FILE), JSON.stringify(snapshot));
    const port = await findFreePort();

    const started = Date.now();
    let starting = true;
    const cosmosStarting = startCosmos({ dataDir, port }).finally(() => (starting = false));
    // Poll like an app retrying through a restart. A raw read is one round trip (the SDK needs several),
    // so the polls land inside the restore; every answer must be complete, never a 404 or a partial count.
    const answers: Array<number | string> = [];
    while (starting) {
      const answer = await countDocuments(port);
      if (answer !== undefined) answers.push(answer);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const cosmos = group.add(await cosmosStarting);
    t.diagnostic(`cosmos start-up with restore of ${cosmos.restoredDocuments} documents: ${Date.now() - started} ms`);
    assert.equal(cosmos.restoredDocuments, documents.length);
    assert.ok(answers.length > 0, 'no request reached the server while it was starting');
    assert.deepEqual([...new Set(answers)], [documents.length]);
    await cosmos.stop();
  });

  it('refuses to start over a corrupt snapshot rather than starting empty', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, COSMOS_SNAPSHOT_FILE), '{"version": 1, "databases": [tru');
    await assert.rejects(startCosmos({ dataDir, port: 0 }), (err: unknown) => {
      assert.ok(err instanceof ServiceError);
      assert.equal(err.code, 'BAD_SNAPSHOT');
      assert.match(err.message, /cosmos-snapshot\.json/);
      return true;
    });
  });

  it('fails with PORT_IN_USE naming the port when another process holds it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      await assert.rejects(startCosmos({ port: address.port }), (err: unknown) => {
        assert.ok(err instanceof ServiceError);
        assert.equal(err.code, 'PORT_IN_USE');
        assert.match(err.message, new RegExp(`port ${address.port}\\b`));
        return true;
      });
    } finally {
      holder.close();
    }
  });
});

/** The container's document count over raw HTTPS (`HTTP <status>` on an error status); undefined if not listening. */
function countDocuments(port: number): Promise<number | string | undefined> {
  return new Promise((resolve) => {
    const path = '/dbs/forecasting/colls/forecasts/docs';
    const options = {
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      rejectUnauthorized: false,
      headers: { 'x-ms-max-item-count': '-1' },
    };
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const parsed: unknown = res.statusCode === 200 ? JSON.parse(body) : undefined;
        const count = typeof parsed === 'object' && parsed !== null && '_count' in parsed ? parsed._count : undefined;
        resolve(typeof count === 'number' ? count : `HTTP ${res.statusCode}`);
      });
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
