import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { inspectImage } from '../../../shared/features/inspectImage';
import { brokenImages, noisyPng, skyJpeg, skyPng } from '../../support/images';

const LIMITS = { maxBytes: 50_000, maxPixels: 4096 * 4096 };

test('good PNG and JPEG pass with their type and size', async () => {
  assert.deepEqual(inspectImage(await skyPng(32), LIMITS), { ok: true, type: 'png', width: 32, height: 32 });
  assert.deepEqual(inspectImage(await noisyPng(40), LIMITS), { ok: true, type: 'png', width: 40, height: 40 });
  assert.deepEqual(inspectImage(await skyJpeg(48), LIMITS), { ok: true, type: 'jpeg', width: 48, height: 48 });
  const progressive = await sharp(await noisyPng(40))
    .jpeg({ progressive: true })
    .toBuffer();
  assert.deepEqual(inspectImage(progressive, LIMITS), { ok: true, type: 'jpeg', width: 40, height: 40 });
});

test('broken pictures are refused with a reason naming what is wrong', async () => {
  for (const b of await brokenImages(LIMITS.maxBytes)) {
    const r = inspectImage(b.bytes.subarray(0, LIMITS.maxBytes + 1), LIMITS, b.contentType);
    assert.equal(r.ok, false, b.name);
    assert.match(!r.ok ? r.reason : '', b.reason, b.name);
  }
});

test('a picture with more pixels than allowed (a decompression bomb) is refused from its header alone', async () => {
  const png = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#4682d2' } })
    .png()
    .toBuffer();
  const r = inspectImage(png, { maxBytes: 10_000_000, maxPixels: 4096 * 4096 });
  assert.match(!r.ok ? r.reason : '', /5000x5000 pixels, more than the 16777216 allowed/);
  const jpeg = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#4682d2' } })
    .jpeg()
    .toBuffer();
  assert.match(
    ((r) => (!r.ok ? r.reason : ''))(inspectImage(jpeg, { maxBytes: 10_000_000, maxPixels: 1_000_000 })),
    /3000x2000 pixels/,
  );
});

test('every truncation of a PNG is refused, and no byte flip in its image data gets through', async () => {
  const png = await noisyPng(12);
  for (let n = 0; n < png.length; n++)
    assert.equal(inspectImage(png.subarray(0, n), LIMITS).ok, false, `first ${n} bytes`);
  for (let i = 8; i < png.length; i++) {
    const flipped = Buffer.from(png);
    flipped[i] = (flipped[i] as number) ^ 0x01;
    assert.equal(inspectImage(flipped, LIMITS).ok, false, `byte ${i} flipped`);
  }
});

test('a JPEG cut anywhere is refused (no end-of-image marker or a cut header)', async () => {
  const jpeg = await sharp(await noisyPng(16))
    .jpeg()
    .toBuffer();
  for (let n = 0; n < jpeg.length - 2; n++)
    assert.equal(inspectImage(jpeg.subarray(0, n), LIMITS).ok, false, `first ${n} bytes`);
});
