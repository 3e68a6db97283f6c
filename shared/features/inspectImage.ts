import { crc32 } from '../util/crc32';
import { describeBytes, detectImageType } from '../util/detectImageType';

/** Limits an image must keep. */
export interface ImageLimits {
  /** Largest accepted size, bytes (the source's maxImageBytes). */
  maxBytes: number;
  /** Largest accepted width x height (decompression bombs). */
  maxPixels: number;
}

export type ImageInspection =
  { ok: true; type: 'png' | 'jpeg'; width: number; height: number } | { ok: false; reason: string };

/**
 * A cheap structural check of picture bytes, before anything decodes them: not empty, not oversized, PNG or JPEG
 * by their magic bytes (never by a declared content type), complete (PNG: every chunk inside the bytes with a
 * matching CRC, ending in IEND; JPEG: every header segment inside the bytes, ending in EOI), and with a pixel count
 * under the limit. It catches truncated and most corrupt files at ingest; decoding (imageFeatures) catches the rest.
 */
export function inspectImage(bytes: Buffer, limits: ImageLimits, declaredType = ''): ImageInspection {
  if (bytes.length === 0) return fail('image is empty (0 bytes)');
  if (bytes.length > limits.maxBytes)
    return fail(`image is larger than maxImageBytes ${limits.maxBytes} (at least ${bytes.length} bytes)`);
  const type = detectImageType(bytes);
  const declared = declaredType ? ` (content-type ${JSON.stringify(declaredType.slice(0, 60))})` : '';
  if (type === undefined)
    return fail(`image cannot be decoded as PNG or JPEG: its bytes are ${describeBytes(bytes)}${declared}`);
  const size = type === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (typeof size === 'string') return fail(`${type.toUpperCase()} image ${size}`);
  if (size.width * size.height > limits.maxPixels) {
    return fail(
      `${type.toUpperCase()} image is ${size.width}x${size.height} pixels, more than the ${limits.maxPixels} allowed`,
    );
  }
  return { ok: true, type, ...size };
}

type Size = { width: number; height: number };

function pngSize(b: Buffer): Size | string {
  let at = 8;
  let size: Size | undefined;
  let idat = false;
  for (let n = 0; ; n++) {
    if (at + 12 > b.length) return `is truncated after ${at} bytes (no IEND chunk)`;
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return `is corrupt: chunk ${n} at byte ${at} has no valid type`;
    if (length > 0x7fffffff || at + 12 + length > b.length) return `is truncated in chunk ${type} at byte ${at}`;
    if (crc32(b.subarray(at + 4, at + 8 + length)) !== b.readUInt32BE(at + 8 + length))
      return `is corrupt: CRC mismatch in chunk ${type} at byte ${at}`;
    if (n === 0) {
      if (type !== 'IHDR' || length !== 13) return 'is corrupt: it does not start with an IHDR chunk';
      size = { width: b.readUInt32BE(at + 8), height: b.readUInt32BE(at + 12) };
      if (size.width === 0 || size.height === 0) return `is corrupt: ${size.width}x${size.height} pixels`;
    }
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') return idat && size ? size : 'is corrupt: it has no image data (IDAT)';
    at += 12 + length;
  }
}

/** Markers that stand alone, without a length. */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);

function jpegSize(b: Buffer): Size | string {
  let at = 2;
  let size: Size | undefined;
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

const EOI = Buffer.from([0xff, 0xd9]);

function fail(reason: string): ImageInspection {
  return { ok: false, reason };
}
