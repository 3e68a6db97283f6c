const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/** The image format by its magic bytes (never trust a declared content type), or undefined. */
export function detectImageType(bytes: Buffer): 'png' | 'jpeg' | undefined {
  if (PNG.every((b, i) => bytes[i] === b)) return 'png';
  if (JPEG.every((b, i) => bytes[i] === b)) return 'jpeg';
  return undefined;
}
