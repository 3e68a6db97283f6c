import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { HOSTS_CONTAINER, POISON_CONTAINER, type PoisonMessage } from '../../../local/host/BlobReceiptStore';
import { type AzuriteService, startAzurite } from '../../../local/services/startAzurite';
import { eventually, type FixtureHost, sleep, startFixtureHost } from './fixtureHost';

interface ImageReport {
  name: string;
  isBuffer: boolean;
  base64: string;
  blobTrigger: string;
  uri: string;
  length: number;
  metadata: Record<string, string>;
}

const HOST_ID = 'fixture-host';
const POLL_MS = 50;

describe('blob trigger (source EventGrid) against Azurite', () => {
  let dataDir: string;
  let azurite: AzuriteService;
  let images: ContainerClient;
  let service: BlobServiceClient;

  const startHost = (): Promise<FixtureHost> =>
    startFixtureHost({
      hostId: HOST_ID,
      blobPollIntervalMs: POLL_MS,
      blobRetryDelayMs: 10,
      settings: { TICK_SCHEDULE: '0 0 0 1 1 *', FIXTURE_STORAGE: azurite.connectionString },
    });
  const upload = (name: string, bytes: Buffer, metadata?: Record<string, string>): Promise<unknown> =>
    images.getBlockBlobClient(name).uploadData(bytes, { metadata, blobHTTPHeaders: { blobContentType: 'image/png' } });
  const runsOf = (f: FixtureHost, name: string): ImageReport[] =>
    f.reports<ImageReport>('image').filter((r) => r.name === name);

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'host-azurite-'));
    azurite = await startAzurite({ dataDir, blobPort: 0, silent: true });
    service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    images = service.getContainerClient('fixture-images');
    await images.createIfNotExists();
  });
  after(async () => {
    await azurite?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a new blob invokes the function once with its bytes and {name}; a restarted host does not invoke again', async () => {
    const first = await startHost();
    const bytes = Buffer.from([137, 80, 78, 71, 1, 2, 3]);
    try {
      await upload('cats/tom.png', bytes, { Origin: 'test' });
      await eventually(() => runsOf(first, 'cats/tom.png').length > 0, 'the blob invocation');
      await sleep(POLL_MS * 6);
      await first.host.idle();
      const runs = runsOf(first, 'cats/tom.png');
      assert.equal(runs.length, 1);
      assert.deepEqual(runs[0] && { ...runs[0], uri: undefined }, {
        name: 'cats/tom.png',
        isBuffer: true,
        base64: bytes.toString('base64'),
        blobTrigger: 'fixture-images/cats/tom.png',
        uri: undefined,
        length: bytes.length,
        metadata: { origin: 'test' },
      });
      assert.match(runs[0]?.uri ?? '', /\/devstoreaccount1\/fixture-images\/cats\/tom\.png$/);
      const receipt = service
        .getContainerClient(HOSTS_CONTAINER)
        .getBlobClient(`blobreceipts/${HOST_ID}/ingest-image/fixture-images/cats/tom.png`);
      const { etag } = await images.getBlobClient('cats/tom.png').getProperties();
      assert.equal((await receipt.downloadToBuffer()).toString(), etag);
    } finally {
      await first.host.stop();
    }

    const second = await startHost();
    try {
      await upload('dog.png', Buffer.from('woof'));
      await eventually(() => runsOf(second, 'dog.png').length > 0, 'the new blob on the restarted host');
      await sleep(POLL_MS * 4);
      await second.host.idle();
      assert.equal(runsOf(second, 'cats/tom.png').length, 0, 'the receipt stops a second run');
      assert.equal(runsOf(second, 'dog.png').length, 1);

      await upload('cats/tom.png', Buffer.from('changed'));
      await eventually(() => runsOf(second, 'cats/tom.png').length > 0, 'the changed blob');
      await sleep(POLL_MS * 4);
      await second.host.idle();
      assert.deepEqual(
        runsOf(second, 'cats/tom.png').map((r) => Buffer.from(r.base64, 'base64').toString()),
        ['changed'],
      );
    } finally {
      await second.host.stop();
    }
  });

  test('a failing blob is tried 5 times, then reported as poison and left alone', async () => {
    const fixture = await startHost();
    try {
      await upload('fail-1.png', Buffer.from('bad'));
      const poisonLog = service.getContainerClient(POISON_CONTAINER).getBlobClient(`${HOST_ID}.jsonl`);
      let messages: PoisonMessage[] = [];
      await eventually(async () => {
        if (!(await poisonLog.exists())) return false;
        messages = (await poisonLog.downloadToBuffer())
          .toString()
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as PoisonMessage);
        return messages.length > 0;
      }, 'the poison message');
      await sleep(POLL_MS * 6);
      await fixture.host.idle();

      const attempts = fixture.events.filter((e) => e.functionName === 'ingest-image');
      assert.equal(attempts.length, 5);
      assert.ok(attempts.every((e) => !e.ok && e.error === 'cannot ingest fail-1.png'));
      assert.equal(messages.length, 1);
      assert.deepEqual(
        messages.map(({ ETag: _etag, PoisonedAt: _at, ...m }) => m),
        [
          {
            Type: 'BlobTrigger',
            FunctionId: 'Host.Functions.ingest-image',
            BlobType: 'BlockBlob',
            ContainerName: 'fixture-images',
            BlobName: 'fail-1.png',
            Attempts: 5,
            Error: 'cannot ingest fail-1.png',
          },
        ],
      );
      assert.ok(fixture.logs.some((e) => e.level === 'error' && /fail-1\.png.*poison/.test(e.message)));
    } finally {
      await fixture.host.stop();
    }
  });
});
