import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QueueServiceClient } from '@azure/storage-queue';
import { type AzuriteService, startAzurite } from '../../../local/services/startAzurite';
import { eventually, type FixtureHost, sleep, startFixtureHost } from './fixtureHost';

/** The queue fixture app (plain JS), seen from dist/test/local/host. */
const QUEUE_APP = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'queue-app');

interface WorkReport {
  message: unknown;
  dequeueCount: number;
  id: string;
}

describe('queue trigger against Azurite', () => {
  let dataDir: string;
  let azurite: AzuriteService;
  let service: QueueServiceClient;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'host-queue-'));
    azurite = await startAzurite({ dataDir, blobPort: 0, silent: true });
    service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });
  after(async () => {
    await azurite?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const startHost = (queue: string): Promise<FixtureHost> =>
    startFixtureHost({
      appRoot: QUEUE_APP,
      queuePollIntervalMs: 50,
      queueRetryDelayMs: 0,
      queueMaxDequeueCount: 3,
      settings: { WORK_QUEUE: queue, FIXTURE_STORAGE: azurite.connectionString },
    });
  // As the coordinator sends them: base64, the Functions host's default message encoding.
  const send = (queue: string, body: unknown): Promise<unknown> =>
    service.getQueueClient(queue).sendMessage(Buffer.from(JSON.stringify(body)).toString('base64'));

  test('a message runs the function once with its JSON decoded and is deleted after success', async () => {
    const queue = 'work-ok';
    await service.getQueueClient(queue).createIfNotExists();
    const fixture = await startHost(queue);
    try {
      assert.deepEqual(
        fixture.host.functions.map((f) => [f.name, f.triggerType, f.queueName, f.resolvedQueueName]),
        [['work', 'queueTrigger', '%WORK_QUEUE%', queue]],
      );
      await send(queue, { shard: 1 });
      await eventually(() => fixture.reports<WorkReport>('work').length > 0, 'the queue invocation');
      await sleep(300);
      await fixture.host.idle();
      const reports = fixture.reports<WorkReport>('work');
      assert.equal(reports.length, 1);
      assert.deepEqual(reports[0]?.message, { shard: 1 });
      assert.equal(reports[0]?.dequeueCount, 1);
      const left = await service.getQueueClient(queue).peekMessages({ numberOfMessages: 32 });
      assert.equal(left.peekedMessageItems.length, 0, 'deleted after success');
    } finally {
      await fixture.host.stop();
    }
  });

  test('a failing message is delivered again, and after maxDequeueCount moves to <queue>-poison with an error log', async () => {
    const queue = 'work-fail';
    await service.getQueueClient(queue).createIfNotExists();
    const fixture = await startHost(queue);
    try {
      await send(queue, { fail: true });
      await eventually(
        () => fixture.logs.some((l) => l.level === 'error' && /moved to 'work-fail-poison'/.test(l.message)),
        'the poison log',
      );
      await fixture.host.idle();
      assert.deepEqual(
        fixture.reports<WorkReport>('work').map((r) => r.dequeueCount),
        [1, 2, 3],
      );
      const poison = await service.getQueueClient(`${queue}-poison`).peekMessages({ numberOfMessages: 32 });
      assert.equal(poison.peekedMessageItems.length, 1);
      assert.deepEqual(JSON.parse(Buffer.from(poison.peekedMessageItems[0]!.messageText, 'base64').toString()), {
        fail: true,
      });
      const left = await service.getQueueClient(queue).peekMessages({ numberOfMessages: 32 });
      assert.equal(left.peekedMessageItems.length, 0);
    } finally {
      await fixture.host.stop();
    }
  });
});
