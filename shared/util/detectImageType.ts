/** The picture formats we accept, by the file extension they are stored under. */
export const IMAGE_TYPES = ['png', 'jpeg', 'gif', 'webp', 'tiff'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** How each format is named in messages. */
export const IMAGE_TYPE_NAMES: Readonly<Record<ImageType, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  tiff: 'TIFF',
};

/** `PNG, JPEG, GIF, WebP or TIFF`, for messages that say what is accepted. */
export const ACCEPTED_IMAGE_TYPES = `${IMAGE_TYPES.slice(0, -1)
  .map((t) => IMAGE_TYPE_NAMES[t])
  .join(', ')} or ${IMAGE_TYPE_NAMES.tiff}`;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/** The image format by its magic bytes (never trust a declared content type), or undefined. */
export function detectImageType(bytes: Buffer): ImageType | undefined {
  if (PNG.every((b, i) => bytes[i] === b)) return 'png';
  if (JPEG.every((b, i) => bytes[i] === b)) return 'jpeg';
  const head = bytes.subarray(0, 12).toString('latin1');
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  // Classic TIFF, little- or big-endian (BigTIFF, magic 43, is left to describeBytes).
  if (head.startsWith('II*\u0000') || head.startsWith('MM\u0000*')) return 'tiff';
  return undefined;
}

/** What bytes look like, for a reason an operator can act on: `a GIF image`, `an HTML page`, `text`... */
export function describeBytes(bytes: Buffer): string {
  const type = detectImageType(bytes);
  if (type) return `a ${IMAGE_TYPE_NAMES[type]} image`;
  const head = bytes.subarray(0, 512).toString('latin1');
  if (head.startsWith('BM')) return 'a BMP image';
  if (head.startsWith('II+\u0000') || head.startsWith('MM\u0000+')) return 'a BigTIFF image';
  if (/^ftyp(avif|avis)/.test(head.slice(4, 12))) return 'an AVIF image';
  if (/^ftyp(hei[cfsx]|mif1|msf1)/.test(head.slice(4, 12))) return 'a HEIF image';
  if (head.startsWith('\u0000\u0000\u0000\u000cjP  ') || head.startsWith('\u00ff\u004f\u00ff\u0051'))
    return 'a JPEG 2000 image';
  if (head.startsWith('\u00ff\u000a') || head.startsWith('\u0000\u0000\u0000\u000cJXL ')) return 'a JPEG XL image';
  const text = head.replace(/^\uFEFF|^\u00ef\u00bb\u00bf/, '').trimStart();
  if (/^<(!doctype html|html|head|body)/i.test(text)) return 'an HTML page';
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg/i.test(text)) return 'an SVG drawing';
  if (text.startsWith('<')) return 'XML or markup';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
  if (isText(bytes.subarray(0, 512))) return 'text';
  return 'unrecognised binary data';
}

function isText(bytes: Buffer): boolean {
  for (const b of bytes) if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  return bytes.length > 0;
}
