import type { ImageSize } from './ImageSize';

/**
 * A WebP's size, once the RIFF container holds all its declared bytes and every chunk inside them, with a
 * bitstream (VP8, VP8L or animation frames); else what is wrong. The size comes from the extended header (VP8X) or
 * the bitstream's own header.
 */
export function webpSize(b: Buffer): ImageSize | string {
  if (b.length < 20) return 'is truncated in its header';
  const end = 8 + b.readUInt32LE(4);
  if (end > b.length) return `is truncated: the container declares ${end} bytes, ${b.length} arrived`;
  let size: ImageSize | undefined;
  let image = false;
  for (let at = 12; at < end;) {
    if (at + 8 > end) return `is truncated in a chunk header at byte ${at}`;
    const type = b.toString('latin1', at, at + 4);
    const length = b.readUInt32LE(at + 4);
    const data = at + 8;
    if (data + length > end) return `is truncated in chunk ${JSON.stringify(type)} at byte ${at}`;
    if (type === 'VP8X' && length >= 10) {
      size = { width: 1 + b.readUIntLE(data + 4, 3), height: 1 + b.readUIntLE(data + 7, 3) };
    } else if (type === 'VP8 ') {
      if (length < 10 || b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a)
        return `is corrupt: no VP8 start code at byte ${data + 3}`;
      size ??= { width: b.readUInt16LE(data + 6) & 0x3fff, height: b.readUInt16LE(data + 8) & 0x3fff };
      image = true;
    } else if (type === 'VP8L') {
      if (length < 5 || b[data] !== 0x2f) return `is corrupt: no VP8L signature at byte ${data}`;
      const bits = b.readUInt32LE(data + 1);
      size ??= { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      image = true;
    } else if (type === 'ANMF') {
      image = true;
    }
    // Chunks are padded to an even length.
    at = data + length + (length & 1);
  }
  if (!image || !size) return 'is corrupt: it has no image data (VP8, VP8L or ANMF chunk)';
  if (size.width === 0 || size.height === 0) return `is corrupt: ${size.width}x${size.height} pixels`;
  return size;
}
