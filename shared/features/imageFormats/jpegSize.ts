import type { ImageSize } from './ImageSize';

/** Markers that stand alone, without a length. */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/** A JPEG's size, once every header segment is inside the bytes and an end-of-image marker ends it; else what is wrong. */
export function jpegSize(b: Buffer): ImageSize | string {
  let at = 2;
  let size: ImageSize | undefined;
  for (;;) {
    if (at + 2 > b.length) return `is truncated in its headers at byte ${at}`;
    if (b[at] !== 0xff) return `is corrupt: no segment marker at byte ${at}`;
    while (b[at + 1] === 0xff && at + 2 < b.length) at++;
    const marker = b[at + 1] as number;
    if (at + 2 > b.length) return `is truncated in its headers at byte ${at}`;
    if (STANDALONE.has(marker)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9) return 'is corrupt: it ends before any image data';
    if (at + 4 > b.length) return `is truncated in its headers at byte ${at}`;
    const length = b.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > b.length)
      return `is truncated in segment 0x${marker.toString(16)} at byte ${at}`;
    // SOF0..SOF15 without DHT (c4), JPG (c8) and DAC (cc): the frame header with the picture's size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7) return `is corrupt: short frame header at byte ${at}`;
      size = { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
      if (size.width === 0 || size.height === 0) return `is corrupt: ${size.width}x${size.height} pixels`;
    }
    if (marker === 0xda) break;
    at += 2 + length;
  }
  if (!size) return 'is corrupt: no frame header (SOF) before the scan';
  // The entropy-coded scan runs to the end-of-image marker; cameras may pad a little after it.
  const eoi = b.lastIndexOf(EOI);
  if (eoi <= at || b.length - (eoi + 2) > 1024) return 'is truncated: no end-of-image marker';
  return size;
}
