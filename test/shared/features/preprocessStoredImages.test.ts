import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preprocessPictures } from '../../../shared/features/preprocessPictures';
import { preprocessStoredImages } from '../../../shared/features/preprocessStoredImages';
import { ObservationBatchReader } from '../../../shared/sources/ObservationBatchReader';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { skyJpeg, skyPng } from '../../support/images';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

const picture = (minute: number, ext = 'png'): string =>
  `skycam/park-1/2026-06-01/2026-06-01T11:${String(minute).padStart(2, '0')}:00.000Z.${ext}`;

test('every stored picture without features gets them with the trigger code; done ones are skipped; a second run finds nothing', async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const deps = { blobs, clock: new FixedClock(new Date('2026-06-01T12:00:00Z')), config };
  const png = await skyPng();
  for (const m of [0, 10, 20])
    await blobs.putIfAbsent(CONTAINERS.images, picture(m), png, {
      metadata: { publishedat: `2026-06-01T11:${m + 25}:00.000Z` },
    });
  await blobs.putIfAbsent(CONTAINERS.images, picture(30, 'jpeg'), await skyJpeg());
  await blobs.putIfAbsent(CONTAINERS.images, picture(40), Buffer.from('<html>502 Bad Gateway</html>'));
  // One was done by the trigger already.
  await preprocessPictures([picture(0)], deps);
  const progress: [number, number][] = [];

  const first = await preprocessStoredImages(deps, { onProgress: (done, total) => progress.push([done, total]) });
  assert.deepEqual(first, { pending: 4, stored: 3, quarantined: 1, ignored: 0 });
  assert.deepEqual(progress.at(0), [0, 4]);
  assert.deepEqual(progress.at(-1), [4, 4]);
  const features = await new ObservationBatchReader(blobs).site(CONTAINERS.features, 'skycam', 'park-1', '2026-06-01');
  assert.deepEqual(
    features.map((f) => f.observedAt),
    [0, 10, 20, 30].map((m) => `2026-06-01T11:${String(m).padStart(2, '0')}:00.000Z`),
  );
  assert.equal(features[1]?.publishedAt, '2026-06-01T11:35:00.000Z');

  // The broken picture stays pending (in quarantine, without features); nothing else is redone.
  const quarantined = blobs.names(CONTAINERS.quarantine).length;
  const second = await preprocessStoredImages(deps);
  assert.deepEqual(second, { pending: 1, stored: 0, quarantined: 1, ignored: 0 });
  assert.equal(blobs.names(CONTAINERS.quarantine).length, quarantined, 'quarantined once (same entry)');
});

test('only the named image sources, and nothing to do when there are no pictures', async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const deps = { blobs, clock: new FixedClock(new Date('2026-06-01T12:00:00Z')), config };
  await blobs.putIfAbsent(CONTAINERS.images, picture(0), await skyPng());
  assert.deepEqual(await preprocessStoredImages(deps, { sources: ['another-camera'] }), {
    pending: 0,
    stored: 0,
    quarantined: 0,
    ignored: 0,
  });
  assert.deepEqual(await preprocessStoredImages(deps, { sources: ['skycam'] }), {
    pending: 1,
    stored: 1,
    quarantined: 0,
    ignored: 0,
  });
});
