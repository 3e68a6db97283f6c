import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { assertPortFree } from '../../../local/services/assertPortFree';
import { ProcessGroup } from '../../../local/services/ProcessGroup';
import { ServiceError } from '../../../local/services/ServiceError';
import { startAzurite } from '../../../local/services/startAzurite';

describe('startAzurite', () => {
  const group = new ProcessGroup();
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'azurite-test-'));
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

  it('starts on a free port, round-trips a blob, stops, and keeps the blob for the next start', async (t) => {
    const dataDir = await tempDir();
    const started = Date.now();
    const azurite = group.add(await startAzurite({ dataDir, blobPort: 0 }));
    t.diagnostic(`azurite start-up: ${Date.now() - started} ms on port ${azurite.port}`);
    assert.equal(azurite.name, 'azurite');
    assert.match(azurite.blobEndpoint, /^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    assert.match(azurite.connectionString, new RegExp(`BlobEndpoint=${azurite.blobEndpoint};`));

    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = blobs.getContainerClient('raw');
    await container.createIfNotExists();
    const body = JSON.stringify({ site: 'park-1', power_kw: 12.5 });
    await container.getBlockBlobClient('meter/2024-01-01T00-00.json').upload(body, Buffer.byteLength(body));
    const downloaded = await container.getBlobClient('meter/2024-01-01T00-00.json').downloadToBuffer();
    assert.equal(downloaded.toString('utf8'), body);

    // The queue service too (predict's shards): its endpoint is in the connection string.
    assert.match(azurite.connectionString, new RegExp(`QueueEndpoint=${azurite.queueEndpoint};`));
    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('predict-shards');
    await queue.createIfNotExists();
    await queue.sendMessage('aGVsbG8=');
    const [received] = (await queue.receiveMessages()).receivedMessageItems;
    assert.equal(received?.messageText, 'aGVsbG8=');

    const stopped = Date.now();
    await azurite.stop();
    t.diagnostic(`azurite stop: ${Date.now() - stopped} ms`);
    assert.throws(() => process.kill(azurite.pid, 0), { code: 'ESRCH' });
    await assertPortFree(azurite.port, '127.0.0.1', 'azurite');

    await assertPortFree(azurite.queuePort, '127.0.0.1', 'azurite (queue)');

    const again = group.add(await startAzurite({ dataDir, blobPort: azurite.port, queuePort: azurite.queuePort }));
    const reopened = BlobServiceClient.fromConnectionString(again.connectionString).getContainerClient('raw');
    const kept = await reopened.getBlobClient('meter/2024-01-01T00-00.json').downloadToBuffer();
    assert.equal(kept.toString('utf8'), body);
    await again.stop();
  });

  it('fails with PORT_IN_USE naming the port when another process holds it', async () => {
    const holder = await listenOnFreePort();
    const port = portOf(holder);
    try {
      await assert.rejects(startAzurite({ dataDir: await tempDir(), blobPort: port }), (err: unknown) => {
        assert.ok(err instanceof ServiceError);
        assert.equal(err.code, 'PORT_IN_USE');
        assert.match(err.message, new RegExp(`port ${port}\\b`));
        return true;
      });
    } finally {
      holder.close();
    }
  });
});

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}
