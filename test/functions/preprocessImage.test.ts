import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvocationContext } from '@azure/functions';
import sharp from 'sharp';
import { makePreprocessImageHandler } from '../../functions/preprocessImage';
import type { Observation } from '../../shared/sources/Observation';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const name = 'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png';
const context = () =>
  new InvocationContext({ functionName: 'preprocess-image', triggerMetadata: { name, blobTrigger: `images/${name}` } });

test('a picture becomes a feature observation beside the raw data, available when computed', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:00:07Z')));
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 70, g: 130, b: 210 } } })
    .png()
    .toBuffer();
  const outcome = await makePreprocessImageHandler(() => s)(png, context());
  assert.equal(outcome.status, 'stored');
  const blob = await s.blobs.get(CONTAINERS.features, 'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.json');
  const obs = JSON.parse(blob?.body.toString() ?? '{}') as Observation;
  assert.equal(obs.observedAt, '2026-06-01T11:30:00.000Z');
  assert.equal(obs.availableAt, '2026-06-01T12:00:07.000Z');
  assert.deepEqual(Object.keys(obs.values).sort(), [...s.config.sources[3]!.fields].sort());
  assert.equal(obs.values['cloud_all'], 0);
  assert.equal(blob?.metadata['availableat'], '2026-06-01T12:00:07.000Z');

  const again = await makePreprocessImageHandler(() => s)(png, context());
  assert.equal(again.status, 'duplicate');
});

test('a corrupt picture goes to quarantine with the reason and its bytes; the trigger succeeds', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:00:07Z')));
  const outcome = await makePreprocessImageHandler(() => s)(Buffer.from('not a png at all'), context());
  assert.equal(outcome.status, 'quarantined');
  const names = s.blobs.names(CONTAINERS.quarantine);
  assert.equal(names.filter((n) => n.endsWith('.json')).length, 1);
  assert.equal(names.filter((n) => n.endsWith('.bin')).length, 1);
  const entry = JSON.parse(
    (await s.blobs.get(CONTAINERS.quarantine, names.find((n) => n.endsWith('.json')) as string))?.body.toString() ??
      '{}',
  );
  assert.match(entry.reason, /cannot be decoded/);
  assert.equal(s.blobs.names(CONTAINERS.features).length, 0);
});
