import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEAD_LETTER_CONTAINER, DeadLetterFormatError, deadLetteredImages } from '../../cli/deadLetteredImages';
import { offlineSettings, runReplay } from '../../cli/replay';
import { loadConfig } from '../../shared/config/loadConfig';
import { PROJECT_ROOT } from '../../cli/cliSettings';
import { writePictureBatch } from '../../shared/features/PictureBatch';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { skyPng } from '../support/images';
import { MemoryBlobStore } from '../support/MemoryBlobStore';
import { testConfig } from '../support/testServices';
import { storedNames } from '../support/storedObservations';

const picture = (minute: number): string =>
  `skycam/park-1/2026-06-01/2026-06-01T11:${String(minute).padStart(2, '0')}:00.000Z.png`;
const ACCOUNT = 'https://stabcdefghijklm.blob.core.windows.net';

/** A BlobCreated event as Event Grid dead-letters it (EventGridSchema, with the dead-letter properties added). */
function deadLettered(name: string, options: { subject?: boolean; reason?: string } = {}): object {
  return {
    id: `a1b2c3d4-${name.length}`,
    topic:
      '/subscriptions/3f2b1c9e-0d4a-4b8e-9c7f-5a6d1e2f3b4c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stabcdefghijklm',
    ...(options.subject === false ? {} : { subject: `/blobServices/default/containers/images/blobs/${name}` }),
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: '2026-06-01T11:25:00.1234567Z',
    data: {
      api: 'PutBlob',
      contentType: 'image/png',
      contentLength: 5646,
      blobType: 'BlockBlob',
      url: `${ACCOUNT}/images/${name.split('/').map(encodeURIComponent).join('/')}`,
      sequencer: '00000000000000000000000000024a6a0000000000000b8b',
    },
    dataVersion: '',
    metadataVersion: '1',
    deadLetterReason: options.reason ?? 'MaxDeliveryAttemptsExceeded',
    deliveryAttempts: 30,
    lastDeliveryOutcome: 'Probation',
    publishTime: '2026-06-01T11:25:00.2000000Z',
    lastDeliveryAttemptTime: '2026-06-02T11:20:00.0000000Z',
  };
}

describe('dead-lettered images', () => {
  test('names each picture of the images container once, from the subject or else the URL, and skips other events', () => {
    const other = { ...deadLettered('x.png'), eventType: 'Microsoft.Storage.BlobDeleted' };
    const elsewhere = {
      ...deadLettered('x.png'),
      subject: '/blobServices/default/containers/raw/blobs/x.json',
      data: { url: `${ACCOUNT}/raw/x.json` },
    };
    const body = JSON.stringify([
      deadLettered(picture(0)),
      deadLettered(picture(0)),
      deadLettered(picture(10), { subject: false, reason: 'TimeToLiveExceeded' }),
      other,
      elsewhere,
    ]);
    assert.deepEqual(deadLetteredImages('A/2026/6/2/11/1.json', body, 'images'), {
      images: [picture(0), picture(10)],
      reasons: ['MaxDeliveryAttemptsExceeded', 'MaxDeliveryAttemptsExceeded', 'TimeToLiveExceeded'],
      skipped: 2,
    });
  });

  for (const [what, body, problem] of [
    ['not JSON', '<html>', /not JSON/],
    ['an object', '{"subject":"x"}', /a JSON object/],
    ['null', 'null', /a JSON null/],
  ] as const) {
    test(`refuses a dead letter that is ${what}, naming it and what was expected`, () => {
      assert.throws(
        () => deadLetteredImages('PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/11/1.json', body, 'images'),
        (e: unknown) =>
          e instanceof DeadLetterFormatError &&
          e.message.includes('PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/11/1.json') &&
          problem.test(e.message) &&
          /expected a JSON array of Event Grid events/.test(e.message),
      );
    });
  }
});

describe('npm run replay', () => {
  test('a dead letter naming a manifest (what the subscription delivers now): its pictures are preprocessed; a broken manifest is settled as ignored', async () => {
    const blobs = new MemoryBlobStore();
    const deps = { blobs, config: testConfig(), clock: new FixedClock(new Date('2026-06-01T12:00:00Z')) };
    const png = await skyPng();
    for (const m of [0, 10]) await blobs.putIfAbsent(CONTAINERS.images, picture(m), png);
    const manifest = (await writePictureBatch(blobs, 'skycam', [picture(0), picture(10)], deps.clock.now())) as string;
    await blobs.putIfAbsent(CONTAINERS.images, '_batches/skycam/2026-06-01/broken.json', '{"source":');
    await blobs.put(
      DEAD_LETTER_CONTAINER,
      'PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/11/1.json',
      JSON.stringify([
        deadLettered(manifest),
        deadLettered('_batches/skycam/2026-06-01/broken.json'),
        deadLettered('_batches/skycam/2026-06-01/gone.json'),
      ]),
    );
    const out: string[] = [];
    const r = await runReplay(['--delete'], {}, (l) => out.push(l), deps);
    assert.equal(r?.pictures, 3);
    assert.deepEqual(r?.outcomes, { stored: 2, duplicate: 0, quarantined: 0, ignored: 1, missing: 1, failed: 0 });
    assert.deepEqual(
      await storedNames(blobs, CONTAINERS.features),
      [0, 10].map((m) => picture(m).replace(/\.png$/, '.json')),
    );
    assert.match(out.join('\n'), /manifest of 2 picture\(s\)/);
    assert.match(
      out.join('\n'),
      /broken\.json: ignored \(picture batch images\/_batches\/skycam\/2026-06-01\/broken\.json: not JSON/,
    );
    assert.equal(r?.deleted, 1);
  });

  const setup = async (): Promise<{ blobs: MemoryBlobStore; deps: Parameters<typeof runReplay>[3] }> => {
    const blobs = new MemoryBlobStore();
    const png = await skyPng();
    for (const m of [0, 10])
      await blobs.putIfAbsent(CONTAINERS.images, picture(m), png, {
        metadata: { publishedat: `2026-06-01T11:${m + 25}:00.000Z` },
      });
    await blobs.putIfAbsent(CONTAINERS.images, picture(20), Buffer.from('<html>502 Bad Gateway</html>'));
    await blobs.put(
      DEAD_LETTER_CONTAINER,
      'PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/11/1.json',
      JSON.stringify([deadLettered(picture(0)), deadLettered(picture(10))]),
    );
    // A picture named twice, a broken one, one deleted since.
    await blobs.put(
      DEAD_LETTER_CONTAINER,
      'PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/12/2.json',
      JSON.stringify([deadLettered(picture(10)), deadLettered(picture(20)), deadLettered(picture(30))]),
    );
    return { blobs, deps: { blobs, config: testConfig(), clock: new FixedClock(new Date('2026-06-02T12:00:00Z')) } };
  };

  test('--dry-run lists the pictures and changes nothing', async () => {
    const { blobs, deps } = await setup();
    const out: string[] = [];
    const r = await runReplay(['--dry-run'], {}, (l) => out.push(l), deps);
    assert.equal(r?.pictures, 4);
    assert.deepEqual(blobs.names(CONTAINERS.features), []);
    assert.equal(blobs.names(DEAD_LETTER_CONTAINER).length, 2);
    assert.match(out.join('\n'), /dry run: 4 manifest\(s\) or picture\(s\) in 2 dead letter\(s\); nothing changed/);
  });

  test("--delete preprocesses each named picture with the trigger's code, then deletes the settled dead letters; a second run has nothing to do", async () => {
    const { blobs, deps } = await setup();
    const out: string[] = [];
    const r = await runReplay(['--delete'], {}, (l) => out.push(l), deps);
    assert.deepEqual(r?.outcomes, { stored: 2, duplicate: 0, quarantined: 1, ignored: 0, missing: 1, failed: 0 });
    assert.deepEqual(
      await storedNames(blobs, CONTAINERS.features),
      [0, 10].map((m) => picture(m).replace(/\.png$/, '.json')),
    );
    assert.ok(blobs.names(CONTAINERS.quarantine).length > 0, 'the broken picture is quarantined with its reason');
    assert.deepEqual(blobs.names(DEAD_LETTER_CONTAINER), []);
    assert.equal(r?.deleted, 2);
    assert.match(out.join('\n'), /MaxDeliveryAttemptsExceeded/);
    assert.match(out.join('\n'), /no longer stored/);

    const again = await runReplay(['--delete'], {}, () => undefined, deps);
    assert.equal(again?.deadLetters, 0);
  });

  test('without --delete, replays and keeps the dead letters; running it again stores nothing twice', async () => {
    const { blobs, deps } = await setup();
    await runReplay([], {}, () => undefined, deps);
    const r = await runReplay([], {}, () => undefined, deps);
    assert.equal(r?.outcomes.stored, 0, 'features are not computed again');
    assert.equal(blobs.names(DEAD_LETTER_CONTAINER).length, 2);
  });

  test("keeps a dead letter that is not Event Grid's format, and says why", async () => {
    const { blobs, deps } = await setup();
    await blobs.put(DEAD_LETTER_CONTAINER, 'PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/13/3.json', 'not json');
    const r = await runReplay(
      ['--delete', '--prefix', 'PREPROCESS-IMAGE-BLOB-CREATED/2026/6/2/13/'],
      {},
      () => undefined,
      deps,
    );
    assert.equal(r?.deadLetters, 1);
    assert.match(r?.kept[0] ?? '', /3\.json: not JSON .*expected a JSON array of Event Grid events/);
    assert.equal(blobs.names(DEAD_LETTER_CONTAINER).length, 3);
  });

  test('--help prints the usage; an unknown option names itself and prints it, before any storage is needed', async () => {
    const out: string[] = [];
    await runReplay(['--help'], {}, (l) => out.push(l));
    assert.match(out.join('\n'), /^npm run replay -- \[options\]/);
    await assert.rejects(
      runReplay(['--everything'], {}),
      (e: Error) => /--everything/.test(e.message) && /npm run replay -- \[options\]/.test(e.message),
    );
    await assert.rejects(
      runReplay([], {}, () => undefined),
      /no stored data to read|names no storage account/,
    );
  });
});

test("replay loads the shipped configuration without the providers' endpoints and keys, which it never uses", () => {
  assert.throws(() => loadConfig({}, PROJECT_ROOT), /SITE_METER_KEY/, 'the app itself needs them');
  const config = loadConfig(offlineSettings({}), PROJECT_ROOT);
  assert.ok(
    config.sources.some((s) => s.kind === 'image'),
    'the image sources and sites replay needs',
  );
  const set = offlineSettings({ SITE_METER_KEY: 'real' });
  assert.equal(set['SITE_METER_KEY'], 'real', 'a setting that is there is kept');
});
