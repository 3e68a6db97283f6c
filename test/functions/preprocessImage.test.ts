import '../support/testEnv';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvocationContext } from '@azure/functions';
import sharp from 'sharp';
import { makePreprocessImageHandler } from '../../functions/preprocessImage';
import { PICTURE_BATCH_PREFIX, writePictureBatch } from '../../shared/features/PictureBatch';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { PROJECT_ROOT, testServices } from '../support/testServices';
import { storedObservation } from '../support/storedObservations';

const name = 'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png';
const broken = 'skycam/park-1/2026-06-01/2026-06-01T11:40:00.000Z.png';
/** What the host hands the handler for a manifest: its bytes, and `{name}` of images/_batches/{name}. */
const context = (manifest: string) =>
  new InvocationContext({
    functionName: 'preprocess-image',
    triggerMetadata: { name: manifest.slice(PICTURE_BATCH_PREFIX.length), blobTrigger: `images/${manifest}` },
    logHandler: () => undefined,
  });

async function setup() {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:00:07Z')));
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 70, g: 130, b: 210 } } })
    .png()
    .toBuffer();
  await s.blobs.putIfAbsent(CONTAINERS.images, name, png);
  await s.blobs.putIfAbsent(CONTAINERS.images, broken, Buffer.from('not a png at all'));
  const manifest = (await writePictureBatch(s.blobs, 'skycam', [name, broken], s.clock.now())) as string;
  const bytes = (await s.blobs.get(CONTAINERS.images, manifest))?.body as Buffer;
  return { s, manifest, bytes };
}

test('the trigger is the manifests of ingest pages: images/_batches/{name}, through Event Grid', () => {
  const source = readFileSync(join(PROJECT_ROOT, 'functions', 'preprocessImage.ts'), 'utf8');
  assert.match(source, new RegExp(`path: '${CONTAINERS.images}/${PICTURE_BATCH_PREFIX}\\{name\\}'`));
  assert.match(source, /source: 'EventGrid'/);
});

test("a manifest's pictures become feature observations, available when computed; a corrupt one is quarantined alone", async () => {
  const { s, manifest, bytes } = await setup();
  const outcome = await makePreprocessImageHandler(() => s)(bytes, context(manifest));
  assert.equal(outcome.batch, manifest);
  assert.deepEqual(outcome.counts, { stored: 1, duplicate: 0, quarantined: 1, ignored: 0, missing: 0 });
  const obs =
    (await storedObservation(s.blobs, CONTAINERS.features, name.replace('.png', '.json'))) ??
    assert.fail('no features stored');
  assert.equal(obs.observedAt, '2026-06-01T11:30:00.000Z');
  assert.equal(obs.availableAt, '2026-06-01T12:00:07.000Z');
  assert.deepEqual(Object.keys(obs.values).sort(), [...s.config.sources[3]!.fields].sort());
  assert.equal(obs.values['cloud_all'], 0);
  const entry = JSON.parse(
    (
      await s.blobs.get(
        CONTAINERS.quarantine,
        s.blobs.names(CONTAINERS.quarantine).find((n) => n.endsWith('.json')) as string,
      )
    )?.body.toString() ?? '{}',
  );
  assert.match(entry.reason, /cannot be decoded|bytes are text/);
  assert.equal(entry.record.blob, `images/${broken}`);

  // Event Grid delivers at least once: the same manifest again writes nothing.
  const before = s.blobs.names(CONTAINERS.quarantine).length + s.blobs.names(CONTAINERS.features).length;
  const again = await makePreprocessImageHandler(() => s)(bytes, context(manifest));
  assert.deepEqual(again.counts, { stored: 0, duplicate: 1, quarantined: 1, ignored: 0, missing: 0 });
  assert.equal(s.blobs.names(CONTAINERS.quarantine).length + s.blobs.names(CONTAINERS.features).length, before);
});

test('a manifest that is not one is ignored with a message naming it and what was expected; nothing is thrown', async () => {
  const { s } = await setup();
  const warnings: string[] = [];
  const ctx = new InvocationContext({
    functionName: 'preprocess-image',
    triggerMetadata: { name: 'skycam/2026-06-01/x.json' },
    logHandler: (level, ...args) => {
      if (level === 'warning') warnings.push(args.join(' '));
    },
  });
  const outcome = await makePreprocessImageHandler(() => s)(Buffer.from('{"pictures": 3}'), ctx);
  assert.match(
    outcome.ignored ?? '',
    /images\/_batches\/skycam\/2026-06-01\/x\.json: "source" is not a string; expected/,
  );
  assert.deepEqual(outcome.pictures, []);
  assert.equal(warnings.length, 1);
  assert.deepEqual(s.blobs.names(CONTAINERS.features), []);
});
