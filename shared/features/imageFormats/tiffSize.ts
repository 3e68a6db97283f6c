import type { ImageSize } from './ImageSize';

const WIDTH = 256;
const HEIGHT = 257;
const STRIP_OFFSETS = 273;
const STRIP_BYTE_COUNTS = 279;
const TILE_OFFSETS = 324;
const TILE_BYTE_COUNTS = 325;
/** Bytes per value of each field type, by its number: BYTE, ASCII, SHORT, LONG, RATIONAL, ... DOUBLE, IFD (1-13). */
const TYPE_BYTES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

/**
 * A TIFF's size, from its first directory (the page the decoder reads), once that directory, the values of its
 * tags and every strip or tile of its image data lie inside the bytes; else what is wrong.
 */
export function tiffSize(b: Buffer): ImageSize | string {
  if (b.length < 8) return 'is truncated in its header';
  const le = b[0] === 0x49;
  const u16 = (at: number): number => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (at: number): number => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > b.length) return `is truncated: its first directory at byte ${ifd} is not inside the bytes`;
  const count = u16(ifd);
  if (ifd + 2 + count * 12 + 4 > b.length) return `is truncated in its first directory at byte ${ifd}`;
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    const tag = u16(at);
    const type = u16(at + 2);
    const n = u32(at + 4);
    const unit = TYPE_BYTES[type] ?? 0;
    // Every value that does not fit in its entry lies elsewhere in the file: it must be inside the bytes.
    const values = n * unit <= 4 ? at + 8 : u32(at + 8);
    if (values + n * unit > b.length) return `is truncated: the values of tag ${tag} end beyond the ${b.length} bytes`;
    if (![WIDTH, HEIGHT, STRIP_OFFSETS, STRIP_BYTE_COUNTS, TILE_OFFSETS, TILE_BYTE_COUNTS].includes(tag)) continue;
    if (type !== 3 && type !== 4) return `is corrupt: tag ${tag} has type ${type}, expected SHORT or LONG`;
    tags.set(
      tag,
      Array.from({ length: n }, (_, k) => (unit === 2 ? u16(values + 2 * k) : u32(values + 4 * k))),
    );
  }
  const width = tags.get(WIDTH)?.[0];
  const height = tags.get(HEIGHT)?.[0];
  if (!width || !height) return `is corrupt: ${width ?? 'no'} x ${height ?? 'no'} pixels in its first directory`;
  const tiled = tags.has(TILE_OFFSETS);
  const offsets = tags.get(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
  const counts = tags.get(tiled ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS);
  if (!offsets || !counts || offsets.length === 0 || offsets.length !== counts.length)
    return 'is corrupt: its first directory does not say where the image data is';
  for (let k = 0; k < offsets.length; k++) {
    const end = (offsets[k] as number) + (counts[k] as number);
    if (end > b.length)
      return `is truncated: ${tiled ? 'tile' : 'strip'} ${k} ends at byte ${end}, beyond the ${b.length} bytes`;
  }
  return { width, height };
}
