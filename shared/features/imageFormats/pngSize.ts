import { crc32 } from '../../util/crc32';
import type { ImageSize } from './ImageSize';

/** A PNG's size, once every chunk is inside the bytes with a matching CRC and the last is IEND; else what is wrong. */
export function pngSize(b: Buffer): ImageSize | string {
  let at = 8;
  let size: ImageSize | undefined;
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
