import sharp from 'sharp';

/** A small real PNG of blue sky (decodable by the preprocessor). */
export function skyPng(size = 32): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: 70, g: 130, b: 210 } } })
    .png()
    .toBuffer();
}

/** A small real JPEG. */
export function skyJpeg(size = 32): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: 70, g: 130, b: 210 } } })
    .jpeg()
    .toBuffer();
}

/** A PNG of random pixels (so its image data is large), seeded. */
export function noisyPng(size: number, seed = 1): Promise<Buffer> {
  const data = Buffer.alloc(size * size * 3);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return sharp(data, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** Broken pictures, each with a fragment its quarantine reason must contain. */
export async function brokenImages(
  maxBytes: number,
): Promise<{ name: string; bytes: Buffer; contentType: string; reason: RegExp }[]> {
  const png = await noisyPng(64);
  const jpeg = await sharp(png).jpeg().toBuffer();
  const corrupt = Buffer.from(png);
  // Flip bytes inside the image data: the chunk CRC no longer matches.
  const idat = corrupt.indexOf('IDAT') + 4;
  for (let i = idat + 10; i < idat + 200; i += 7) corrupt[i] = (corrupt[i] as number) ^ 0x5a;
  // A BMP header: a picture format the decoder (sharp) does not read.
  const bmp = Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(52)]);
  const oversized = Buffer.concat([png, Buffer.alloc(maxBytes)]);
  return [
    { name: 'zero bytes', bytes: Buffer.alloc(0), contentType: 'image/png', reason: /empty \(0 bytes\)/ },
    {
      name: 'truncated PNG',
      bytes: png.subarray(0, Math.floor(png.length / 2)),
      contentType: 'image/png',
      reason: /PNG image is truncated/,
    },
    {
      name: 'truncated JPEG',
      bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      contentType: 'image/jpeg',
      reason: /JPEG image is truncated/,
    },
    { name: 'corrupt PNG', bytes: corrupt, contentType: 'image/png', reason: /PNG image is corrupt: CRC mismatch/ },
    {
      name: 'HTML error page',
      bytes: Buffer.from('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'),
      contentType: 'text/html',
      reason: /an HTML page/,
    },
    { name: 'BMP', bytes: bmp, contentType: 'image/bmp', reason: /its bytes are a BMP image/ },
    {
      name: 'plain text',
      bytes: Buffer.from('Service temporarily unavailable, try later\n'),
      contentType: 'text/plain',
      reason: /its bytes are text/,
    },
    { name: 'oversized', bytes: oversized, contentType: 'image/png', reason: /larger than maxImageBytes/ },
  ];
}
