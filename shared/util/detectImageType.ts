const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/** The image format by its magic bytes (never trust a declared content type), or undefined. */
export function detectImageType(bytes: Buffer): 'png' | 'jpeg' | undefined {
  if (PNG.every((b, i) => bytes[i] === b)) return 'png';
  if (JPEG.every((b, i) => bytes[i] === b)) return 'jpeg';
  return undefined;
}

/** What bytes that are not PNG or JPEG look like, for a reason an operator can act on. */
export function describeBytes(bytes: Buffer): string {
  const head = bytes.subarray(0, 512).toString('latin1');
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'a GIF image';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'a WebP image';
  if (head.startsWith('BM')) return 'a BMP image';
  if (head.startsWith('II*\u0000') || head.startsWith('MM\u0000*')) return 'a TIFF image';
  if (head.slice(4, 12) === 'ftypavif' || head.slice(4, 12) === 'ftypheic') return 'an AVIF/HEIF image';
  const text = head.replace(/^\uFEFF|^\u00ef\u00bb\u00bf/, '').trimStart();
  if (/^<(!doctype html|html|head|body)/i.test(text)) return 'an HTML page';
  if (text.startsWith('<')) return 'XML or markup';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
  if (isText(bytes.subarray(0, 512))) return 'text';
  return 'unrecognised binary data';
}

function isText(bytes: Buffer): boolean {
  for (const b of bytes) if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  return bytes.length > 0;
}
