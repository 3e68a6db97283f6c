import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { ProviderPageError } from '../../../shared/sources/ProviderError';
import { parsePictureBatch } from '../../../shared/features/PictureBatch';
import { recentStateName } from '../../../shared/sources/RecentStateStore';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { skyJpeg, skyPng } from '../../support/images';
import { answer, CAMERA, camera, fixture, rejection, rig, type SourceSpec } from './httpProviderRig';
import { storedBatches, storedPictures } from '../../support/storedPictures';

type From = 'last-modified' | 'date' | 'exif' | 'fetch';

const spec = (from: From, timeZone?: string): SourceSpec => ({
  kind: 'image',
  fields: ['brightness', 'contrast'],
  provider: camera({ from, ...(timeZone ? { timeZone } : {}) }),
  maxImageBytes: 200_000,
});
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const imageName = (observedAt: string, ext: 'jpeg' | 'png'): string =>
  `pv/park-1/${observedAt.slice(0, 10)}/${observedAt}.${ext}`;

/** A small JPEG or PNG carrying EXIF DateTimeOriginal (and its offset, when given). */
async function withExif(format: 'jpeg' | 'png', taken: string, offset?: string): Promise<Buffer> {
  const base = sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 90, g: 140, b: 220 } } });
  const exif = { IFD2: { DateTimeOriginal: taken, ...(offset ? { OffsetTimeOriginal: offset } : {}) } };
  return (format === 'jpeg' ? base.jpeg() : base.png()).withExif(exif).toBuffer();
}

test('a camera answering the same picture again (observedAt from the fetch time): stored once; a new picture is stored', async () => {
  const first = await skyJpeg();
  const second = await skyPng();
  let current = first;
  const t = rig(spec('fetch'), { now: '2026-06-01T12:00:00Z', script: () => answer(current, 'image/jpeg') });

  const r1 = await t.run();
  assert.deepEqual([r1.received, r1.stored, r1.duplicates, r1.quarantined, r1.caughtUp], [1, 1, 0, 0, true]);
  assert.ok(
    await t.blobs.get(CONTAINERS.state, `snapshots/pv/park-1/${sha256(first)}.json`),
    'the content marker is written',
  );
  assert.equal(await t.watermark(), '2026-06-01T12:00:00.000Z');

  t.clock.advanceMinutes(5);
  const r2 = await t.run();
  assert.deepEqual([r2.stored, r2.duplicates, r2.quarantined], [0, 1, 0], 'a later fetch time, but the same picture');
  assert.deepEqual(storedPictures(t.blobs), [imageName('2026-06-01T12:00:00.000Z', 'jpeg')]);

  t.clock.advanceMinutes(5);
  current = second;
  const r3 = await t.run();
  assert.deepEqual([r3.stored, r3.duplicates], [1, 0]);
  assert.deepEqual(storedPictures(t.blobs), [
    imageName('2026-06-01T12:00:00.000Z', 'jpeg'),
    imageName('2026-06-01T12:10:00.000Z', 'png'),
  ]);
  const stored = await t.blobs.get(CONTAINERS.images, imageName('2026-06-01T12:10:00.000Z', 'png'));
  assert.ok(stored?.body.equals(second), 'the picture is stored byte for byte');
  assert.equal(stored?.metadata?.['sha256'], sha256(second));

  assert.equal(t.seen.length, 3);
  for (const s of t.seen) {
    assert.equal(`${s.url.origin}${s.url.pathname}`, `${CAMERA}/cgi-bin/snapshot.jpg`);
    assert.equal(s.headers['authorization'], `Basic ${Buffer.from('viewer:cam-secret-9').toString('base64')}`);
  }
});

test('a snapshot a failed run stored before its manifest is listed in the next manifest (its marker names it), under the same name every time', async () => {
  const picture = await skyJpeg();
  const t = rig(spec('fetch'), { now: '2026-06-01T12:00:00Z', script: () => answer(picture, 'image/jpeg') });
  await t.run();
  const first = imageName('2026-06-01T12:00:00.000Z', 'jpeg');
  const listed = async () => {
    const out: string[][] = [];
    for (const name of storedBatches(t.blobs))
      out.push(parsePictureBatch(name, (await t.blobs.get(CONTAINERS.images, name))?.body ?? Buffer.alloc(0)).pictures);
    return out;
  };
  assert.deepEqual(await listed(), [[first]]);
  // As if that run had died after the picture and its marker: no manifest, nothing merged into the state.
  for (const name of storedBatches(t.blobs)) await t.blobs.delete(CONTAINERS.images, name);
  await t.blobs.delete(CONTAINERS.state, recentStateName(CONTAINERS.images, 'pv'));

  t.clock.advanceMinutes(5);
  const r = await t.run();
  assert.deepEqual([r.stored, r.duplicates], [0, 1], 'the same picture, settled by its marker');
  assert.deepEqual(await listed(), [[first]], 'listed again, so its features are computed');

  t.clock.advanceMinutes(5);
  await t.run();
  assert.equal(
    storedBatches(t.blobs).length,
    1,
    'the same pictures make the same manifest name: nothing new is triggered',
  );
});

describe('observedAt from a header', () => {
  test("last-modified: the time is the header's; the same picture with the same header is a duplicate", async () => {
    const picture = await skyJpeg();
    const t = rig(spec('last-modified'), {
      now: '2026-06-01T12:00:00Z',
      script: () =>
        answer(picture, 'image/jpeg', {
          'last-modified': 'Mon, 01 Jun 2026 11:58:30 GMT',
          date: 'Mon, 01 Jun 2026 12:00:01 GMT',
        }),
    });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [1, 0]);
    assert.deepEqual(storedPictures(t.blobs), [imageName('2026-06-01T11:58:30.000Z', 'jpeg')]);
    t.clock.advanceMinutes(1);
    const again = await t.run();
    assert.deepEqual([again.stored, again.duplicates], [0, 1]);
  });

  test("date: the time is the Date header's", async () => {
    const t = rig(spec('date'), {
      now: '2026-06-01T12:00:00Z',
      script: async () =>
        answer(await skyPng(), 'image/png', {
          'last-modified': 'Mon, 01 Jun 2026 11:00:00 GMT',
          date: 'Mon, 01 Jun 2026 11:59:59 GMT',
        }),
    });
    await t.run();
    assert.deepEqual(storedPictures(t.blobs), [imageName('2026-06-01T11:59:59.000Z', 'png')]);
  });

  test('last-modified missing: the picture is quarantined with the configuration key and why', async () => {
    const picture = await skyJpeg();
    const t = rig(spec('last-modified'), { now: '2026-06-01T12:00:00Z', script: () => answer(picture, 'image/jpeg') });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [0, 1]);
    const [entry] = await t.quarantined();
    assert.equal(
      entry?.reason,
      'sources[0].provider.observedAt.from is "last-modified", but the answer has no Last-Modified header',
    );
    assert.ok(entry?.bin?.equals(picture), 'the picture is kept');
    assert.deepEqual(storedPictures(t.blobs), []);
  });
});

describe('observedAt from EXIF DateTimeOriginal', () => {
  const cases = [
    {
      name: 'JPEG, camera in Berlin (summer time)',
      format: 'jpeg',
      taken: '2026:06:01 13:58:00',
      offset: undefined,
      zone: 'Europe/Berlin',
      observedAt: '2026-06-01T11:58:00.000Z',
    },
    {
      name: 'JPEG, camera in UTC (the default zone)',
      format: 'jpeg',
      taken: '2026:06:01 11:40:10',
      offset: undefined,
      zone: undefined,
      observedAt: '2026-06-01T11:40:10.000Z',
    },
    {
      name: 'PNG with OffsetTimeOriginal: the offset wins over the configured zone',
      format: 'png',
      taken: '2026:06:01 14:30:00',
      offset: '+03:00',
      zone: 'Europe/Berlin',
      observedAt: '2026-06-01T11:30:00.000Z',
    },
  ] as const;
  for (const c of cases) {
    test(c.name, async () => {
      const picture = await withExif(c.format, c.taken, c.offset);
      // The test picture really carries the tag (so the adapter reads it, not a fallback).
      const exif = (await sharp(picture).metadata()).exif;
      assert.ok(exif);
      const tags = exifReader(exif);
      assert.equal(
        tags.Photo?.DateTimeOriginal?.toISOString(),
        `${c.taken.slice(0, 10).replace(/:/g, '-')}T${c.taken.slice(11)}.000Z`,
      );
      assert.equal(tags.Photo?.OffsetTimeOriginal, c.offset);

      const t = rig(spec('exif', c.zone), {
        now: '2026-06-01T12:00:00Z',
        script: () => answer(picture, `image/${c.format}`, { 'last-modified': 'Mon, 01 Jun 2026 10:00:00 GMT' }),
      });
      const r = await t.run();
      assert.deepEqual([r.stored, r.quarantined], [1, 0]);
      assert.deepEqual(storedPictures(t.blobs), [imageName(c.observedAt, c.format)]);
    });
  }

  test('a picture without EXIF is quarantined with the reason', async () => {
    const picture = await skyJpeg();
    const t = rig(spec('exif'), { now: '2026-06-01T12:00:00Z', script: () => answer(picture, 'image/jpeg') });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [0, 1]);
    assert.equal(
      (await t.quarantined())[0]?.reason,
      'sources[0].provider.observedAt.from is "exif", but the picture carries no EXIF data',
    );
  });
});

describe('a 200 from the camera that is no picture', () => {
  const html = fixture('login-page.html');
  const cases = [
    {
      name: 'an HTML login page (text/html)',
      body: Buffer.from(html),
      type: 'text/html',
      reason:
        /^the body is an HTML page \(content-type "text\/html"\), expected a picture \(PNG, JPEG, GIF, WebP or TIFF\)$/,
    },
    {
      name: 'an HTML page sent as image/jpeg',
      body: Buffer.from(html),
      type: 'image/jpeg',
      reason:
        /^the body is an HTML page \(content-type "image\/jpeg"\), expected a picture \(PNG, JPEG, GIF, WebP or TIFF\)$/,
    },
    {
      name: 'an empty body',
      body: Buffer.alloc(0),
      type: 'image/jpeg',
      reason: /^the body is empty, expected a picture$/,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: a failed fetch; nothing stored, the body kept in quarantine, the watermark stays`, async () => {
      const good = await skyJpeg();
      let broken = false;
      const t = rig(spec('fetch'), {
        now: '2026-06-01T11:50:00Z',
        script: () => (broken ? answer(c.body, c.type) : answer(good, 'image/jpeg')),
      });
      await t.run();
      const images = storedPictures(t.blobs);
      broken = true;
      t.clock.advanceMinutes(10);
      const err = await rejection(t.run());
      assert.ok(err instanceof ProviderPageError, String(err));
      assert.equal(err.canRetry(), true);
      assert.match(err.reason, c.reason);
      assert.deepEqual(storedPictures(t.blobs), images);
      assert.equal(await t.watermark(), '2026-06-01T11:50:00.000Z');
      const entries = await t.quarantined();
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?.reason, err.reason);
      assert.ok(entries[0]?.bin?.equals(c.body), 'the body is kept');
    });
  }
});
