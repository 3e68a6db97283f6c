import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { decodableImageTypes, inspectImage } from '../../../shared/features/inspectImage';
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

describe('GIF, WebP and TIFF: recognised by their bytes, checked whole, handed to the decoder', () => {
  const encodings: [string, (s: Sharp) => Sharp, 'gif' | 'webp' | 'tiff'][] = [
    ['GIF', (s) => s.gif(), 'gif'],
    ['WebP, lossy', (s) => s.webp({ quality: 80 }), 'webp'],
    ['WebP, lossless', (s) => s.webp({ lossless: true }), 'webp'],
    ['WebP with alpha (extended header)', (s) => s.ensureAlpha(0.5).webp(), 'webp'],
    ['TIFF, LZW', (s) => s.tiff({ compression: 'lzw' }), 'tiff'],
    ['TIFF, tiled', (s) => s.tiff({ tile: true, tileWidth: 16, tileHeight: 16 }), 'tiff'],
    ['TIFF, uncompressed', (s) => s.tiff({ compression: 'none' }), 'tiff'],
  ];
  const picture = async (encode: (s: Sharp) => Sharp): Promise<Buffer> =>
    encode(sharp(await noisyPng(48)).resize(48, 32, { fit: 'fill' })).toBuffer();

  for (const [name, encode, type] of encodings) {
    test(`${name} passes with its type and size; every truncation is refused`, async () => {
      const bytes = await picture(encode);
      assert.deepEqual(inspectImage(bytes, LIMITS), { ok: true, type, width: 48, height: 32 });
      for (let n = 0; n < bytes.length; n++) {
        const r = inspectImage(bytes.subarray(0, n), LIMITS);
        assert.equal(r.ok, false, `first ${n} of ${bytes.length} bytes`);
      }
    });
  }

  test('this build of sharp decodes every accepted format', () => {
    assert.deepEqual(decodableImageTypes(), ['png', 'jpeg', 'gif', 'webp', 'tiff']);
  });

  test('a format the decoder does not read is refused with its name, before decoding', async () => {
    const gif = await picture((s) => s.gif());
    const r = inspectImage(gif, { ...LIMITS, decodable: ['png', 'jpeg'] }, 'image/gif');
    assert.match(
      !r.ok ? r.reason : '',
      /^image cannot be decoded: it is a GIF image, which .* does not read \(content-type "image\/gif"\)$/,
    );
  });

  test('a GIF whose header declares a huge screen (a decompression bomb) is refused from its header alone', async () => {
    const gif = Buffer.from(await picture((s) => s.gif()));
    gif.writeUInt16LE(60_000, 6);
    gif.writeUInt16LE(60_000, 8);
    assert.match(((r) => (!r.ok ? r.reason : ''))(inspectImage(gif, LIMITS)), /GIF image is 60000x60000 pixels/);
  });

  const refused: [string, Buffer, RegExp][] = [
    ['BMP', Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60)]), /its bytes are a BMP image/],
    [
      'AVIF',
      Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavif', 'latin1'), Buffer.alloc(40)]),
      /its bytes are an AVIF image/,
    ],
    [
      'HEIC',
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(40)]),
      /its bytes are a HEIF image/,
    ],
    ['BigTIFF', Buffer.concat([Buffer.from('II+\u0000', 'latin1'), Buffer.alloc(40)]), /its bytes are a BigTIFF image/],
    [
      'SVG',
      Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
      /its bytes are an SVG drawing/,
    ],
  ];
  for (const [name, bytes, reason] of refused) {
    test(`${name} is refused, naming what it is and what is accepted`, () => {
      const r = inspectImage(bytes, LIMITS);
      assert.match(!r.ok ? r.reason : '', reason);
      assert.match(!r.ok ? r.reason : '', /cannot be decoded as PNG, JPEG, GIF, WebP or TIFF/);
    });
  }
});
