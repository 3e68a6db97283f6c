import sharp from 'sharp';
import {
  ACCEPTED_IMAGE_TYPES,
  describeBytes,
  detectImageType,
  IMAGE_TYPE_NAMES,
  IMAGE_TYPES,
  type ImageType,
} from '../util/detectImageType';
import { gifSize } from './imageFormats/gifSize';
import type { ImageSize } from './imageFormats/ImageSize';
import { jpegSize } from './imageFormats/jpegSize';
import { pngSize } from './imageFormats/pngSize';
import { tiffSize } from './imageFormats/tiffSize';
import { webpSize } from './imageFormats/webpSize';

/** Limits an image must keep. */
export interface ImageLimits {
  /** Largest accepted size, bytes (the source's maxImageBytes). */
  maxBytes: number;
  /** Largest accepted width x height (decompression bombs). */
  maxPixels: number;
  /** Formats the decoder reads; default: those this process's sharp decodes from memory (decodableImageTypes). */
  decodable?: readonly ImageType[];
}

export type ImageInspection =
  { ok: true; type: ImageType; width: number; height: number } | { ok: false; reason: string };

const SIZE_OF: Readonly<Record<ImageType, (bytes: Buffer) => ImageSize | string>> = {
  png: pngSize,
  jpeg: jpegSize,
  gif: gifSize,
  webp: webpSize,
  tiff: tiffSize,
};

/**
 * A cheap structural check of picture bytes, before anything decodes them: not empty, not oversized, a format we
 * accept by its magic bytes (never by a declared content type) that the decoder reads, complete (PNG: every chunk
 * inside the bytes with a matching CRC, ending in IEND; JPEG: every header segment inside the bytes, ending in EOI;
 * GIF: every block inside the bytes, ending in the trailer; WebP: the container and its chunks whole; TIFF: the
 * first directory and its strips or tiles inside the bytes), and with a pixel count under the limit. It catches
 * truncated and most corrupt files at ingest; decoding (imageFeatures) catches the rest.
 */
export function inspectImage(bytes: Buffer, limits: ImageLimits, declaredType = ''): ImageInspection {
  if (bytes.length === 0) return fail('image is empty (0 bytes)');
  if (bytes.length > limits.maxBytes)
    return fail(`image is larger than maxImageBytes ${limits.maxBytes} (at least ${bytes.length} bytes)`);
  const type = detectImageType(bytes);
  const declared = declaredType ? ` (content-type ${JSON.stringify(declaredType.slice(0, 60))})` : '';
  if (type === undefined)
    return fail(`image cannot be decoded as ${ACCEPTED_IMAGE_TYPES}: its bytes are ${describeBytes(bytes)}${declared}`);
  const name = IMAGE_TYPE_NAMES[type];
  if (!(limits.decodable ?? decodableImageTypes()).includes(type))
    return fail(`image cannot be decoded: it is a ${name} image, which this server's decoder does not read${declared}`);
  const size = SIZE_OF[type](bytes);
  if (typeof size === 'string') return fail(`${name} image ${size}`);
  if (size.width * size.height > limits.maxPixels)
    return fail(`${name} image is ${size.width}x${size.height} pixels, more than the ${limits.maxPixels} allowed`);
  return { ok: true, type, ...size };
}

/** The accepted formats this process's sharp (libvips) can decode from memory: a build without one refuses it here. */
export function decodableImageTypes(): ImageType[] {
  return IMAGE_TYPES.filter((t) => sharp.format[t]?.input.buffer === true);
}

function fail(reason: string): ImageInspection {
  return { ok: false, reason };
}
