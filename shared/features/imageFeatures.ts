import sharp from 'sharp';
import type { IMAGE_FEATURES } from '../config/imageFeatureNames';
import type { RetryDecision } from '../util/RetryDecision';

export type ImageFeatures = Record<(typeof IMAGE_FEATURES)[number], number>;

/** Options of the image feature extractor. */
export interface ImageFeatureOptions {
  /** Pictures are reduced to this square size before analysis (keeps cost flat whatever the camera sends). */
  size: number;
  /** A pixel is cloud when red/blue is at least this (clear sky scatters blue; clouds are white-grey). */
  cloudRedBlueRatio: number;
  /** Radius of the centre disc, as a fraction of the image width. */
  centerRadius: number;
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels: number;
}

export const DEFAULT_IMAGE_FEATURE_OPTIONS: ImageFeatureOptions = {
  size: 32,
  cloudRedBlueRatio: 0.6,
  centerRadius: 1 / 6,
  maxPixels: 4096 * 4096,
};

/** The picture could not be decoded or is not acceptable. Not retryable: the bytes will not get better. */
export class ImageRejectedError extends Error implements RetryDecision {
  readonly code = 'IMAGE_REJECTED';
  constructor(message: string) {
    super(message);
    this.name = 'ImageRejectedError';
  }
  canRetry(): boolean {
    return false;
  }
}

/**
 * Cloud fractions over the whole picture, over the centre (the site) and over the four compass sectors (north up),
 * plus mean brightness and its spread. The camera looks down on the area around the site, so the sector the
 * wind comes from shows the clouds that are coming.
 */
export async function imageFeatures(
  bytes: Buffer,
  options: ImageFeatureOptions = DEFAULT_IMAGE_FEATURE_OPTIONS,
): Promise<ImageFeatures> {
  if (bytes.length === 0) throw new ImageRejectedError('image is empty (0 bytes)');
  let data: Buffer;
  try {
    // Strictest: a picture the decoder only warns about (corrupt JPEG scan data) would give garbage features.
    const image = sharp(bytes, { failOn: 'warning', limitInputPixels: options.maxPixels });
    data = await image
      .removeAlpha()
      .resize(options.size, options.size, { fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
  } catch (err) {
    throw new ImageRejectedError(`image cannot be decoded: ${(err as Error).message}`);
  }
  const n = options.size;
  const channels = data.length / (n * n);
  if (channels < 3) throw new ImageRejectedError(`image has ${channels} colour channel(s), expected RGB`);
  const c = (n - 1) / 2;
  const radius = options.centerRadius * n;
  const sums = { all: [0, 0], center: [0, 0], n: [0, 0], e: [0, 0], s: [0, 0], w: [0, 0] } as Record<
    string,
    [number, number]
  >;
  let lumSum = 0;
  let lumSq = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = (y * n + x) * channels;
      const r = data[i] as number;
      const g = data[i + 1] as number;
      const b = data[i + 2] as number;
      const cloud = r >= options.cloudRedBlueRatio * Math.max(b, 1) ? 1 : 0;
      const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      lumSum += lum;
      lumSq += lum * lum;
      add(sums, 'all', cloud);
      const dx = x - c;
      const dy = y - c;
      if (dx * dx + dy * dy <= radius * radius) {
        add(sums, 'center', cloud);
        continue;
      }
      // Image rows grow southwards: north is negative dy.
      const sector = Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? 'e' : 'w') : dy < 0 ? 'n' : 's';
      add(sums, sector, cloud);
    }
  }
  const frac = (k: string): number => {
    const [cloudy, total] = sums[k] as [number, number];
    return total === 0 ? 0 : round(cloudy / total);
  };
  const count = n * n;
  const mean = lumSum / count;
  return {
    cloud_all: frac('all'),
    cloud_center: frac('center'),
    cloud_n: frac('n'),
    cloud_e: frac('e'),
    cloud_s: frac('s'),
    cloud_w: frac('w'),
    brightness: round(mean),
    contrast: round(Math.sqrt(Math.max(0, lumSq / count - mean * mean))),
  };
}

function add(sums: Record<string, [number, number]>, key: string, cloud: number): void {
  const s = sums[key] as [number, number];
  s[0] += cloud;
  s[1] += 1;
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
