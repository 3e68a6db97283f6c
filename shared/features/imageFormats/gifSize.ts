import type { ImageSize } from './ImageSize';

/**
 * A GIF's size, once its blocks (extensions and images, each a chain of sub-blocks) are all inside the bytes and
 * the trailer ends them; else what is wrong. The size is the logical screen's, grown to any frame that reaches
 * beyond it: the decoder allocates that much.
 */
export function gifSize(b: Buffer): ImageSize | string {
  if (b.length < 13) return 'is truncated in its header';
  let width = b.readUInt16LE(6);
  let height = b.readUInt16LE(8);
  let at = 13 + colourTableBytes(b[10] as number);
  let frames = 0;
  for (;;) {
    if (at >= b.length) return `is truncated at byte ${at} (no trailer)`;
    const block = b[at] as number;
    if (block === 0x3b) break;
    if (block === 0x21) {
      // Extension: introducer, label, sub-blocks.
      at = afterSubBlocks(b, at + 2);
    } else if (block === 0x2c) {
      if (at + 10 > b.length) return `is truncated in the image descriptor at byte ${at}`;
      width = Math.max(width, b.readUInt16LE(at + 1) + b.readUInt16LE(at + 5));
      height = Math.max(height, b.readUInt16LE(at + 3) + b.readUInt16LE(at + 7));
      // Descriptor, local colour table, LZW minimum code size, then the image data's sub-blocks.
      at = afterSubBlocks(b, at + 10 + colourTableBytes(b[at + 9] as number) + 1);
      frames++;
    } else {
      return `is corrupt: unknown block 0x${block.toString(16)} at byte ${at}`;
    }
    if (at < 0) return 'is truncated in its image data (no trailer)';
  }
  if (frames === 0) return 'is corrupt: it has no image';
  if (width === 0 || height === 0) return `is corrupt: ${width}x${height} pixels`;
  return { width, height };
}

/** Bytes of the colour table a packed-fields byte announces. */
function colourTableBytes(flags: number): number {
  return flags & 0x80 ? 3 * (1 << ((flags & 0x07) + 1)) : 0;
}

/** Where a chain of sub-blocks starting at `at` ends (after its zero terminator), or -1 when it runs past the bytes. */
function afterSubBlocks(b: Buffer, at: number): number {
  while (at < b.length) {
    const n = b[at] as number;
    at += 1 + n;
    if (n === 0) return at;
  }
  return -1;
}
