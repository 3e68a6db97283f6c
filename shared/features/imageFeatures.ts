import sharp from 'sharp';
import type { CameraMask } from '../config/cameraSchema';
import type { IMAGE_FEATURES } from '../config/imageFeatureNames';
import type { RetryDecision } from '../util/RetryDecision';
import { type AnalysisGrid, skyView } from './skyView';

export type ImageFeatures = Record<(typeof IMAGE_FEATURES)[number], number>;

/** Options of the image feature extractor. */
export interface ImageFeatureOptions {
  /** Pictures are reduced to this square size before analysis (keeps cost flat whatever the camera sends). */
  size: number;
  /** Which pixels show the sky: `auto` finds a fisheye circle (the whole frame when there is no black rim), `none` the whole frame, or a fixed circle. */
  mask: CameraMask;
  /**
   * A pixel is cloud when its normalised blue-red ratio (B - R) / (B + R) is below this: clear sky scatters blue
   * (about 0.18 in real cameras, red/blue 0.7), cloud is grey-white (0 to 0.03, red/blue 0.95-1).
   */
  cloudThreshold: number;
  /** A pixel whose brightest channel is below this (0-255) is too dark to tell cloud from sky: the black rim, night. */
  darkLevel: number;
  /** A pixel whose luma reaches this (0-255) is saturated (the sun, its glare): neither cloud nor sky, nor are its neighbours. */
  saturationLevel: number;
  /** Radius of the centre disc, as a fraction of the sky's diameter (the frame's shorter side, or the fisheye circle's). */
  centerRadius: number;
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels: number;
}

export const DEFAULT_IMAGE_FEATURE_OPTIONS: ImageFeatureOptions = {
  size: 32,
  mask: 'auto',
  cloudThreshold: 0.1,
  darkLevel: 16,
  saturationLevel: 250,
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
 * Cloud fractions over the sky, over its centre (the site, or the zenith of an all-sky camera) and over the four
 * compass sectors (north up), plus mean brightness and its spread. Only the sky counts (skyView: a fisheye's
 * black corners never do). A pixel too dark or saturated (the sun) is neither cloud nor sky, so it is left out of
 * the cloud fractions; brightness and contrast take every sky pixel. The sector the wind comes from shows the
 * clouds that are coming.
 */
export async function imageFeatures(
  bytes: Buffer,
  options: ImageFeatureOptions = DEFAULT_IMAGE_FEATURE_OPTIONS,
): Promise<ImageFeatures> {
  const grid = await decode(bytes, options);
  const { n, data, channels } = grid;
  const view = skyView(grid, options.mask, options);
  const saturated = saturatedCells(grid, options.saturationLevel);
  const radius = options.centerRadius * view.diameter;
  const sums = { all: [0, 0], center: [0, 0], n: [0, 0], e: [0, 0], s: [0, 0], w: [0, 0] } as Record<
    string,
    [number, number]
  >;
  let count = 0;
  let lumSum = 0;
  let lumSq = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (view.inside[y * n + x] === 0) continue;
      const i = (y * n + x) * channels;
      const r = data[i] as number;
      const g = data[i + 1] as number;
      const b = data[i + 2] as number;
      const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      count++;
      lumSum += lum;
      lumSq += lum * lum;
      if (Math.max(r, g, b) < options.darkLevel || nearSaturated(saturated, n, x, y)) continue;
      const cloud = b - r < options.cloudThreshold * (b + r) ? 1 : 0;
      add(sums, 'all', cloud);
      // Geometry in the picture's own proportions: the grid squeezes a non-square frame.
      const dx = ((x + 0.5) / n) * grid.width - view.cx;
      const dy = ((y + 0.5) / n) * grid.height - view.cy;
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
  const mean = count === 0 ? 0 : lumSum / count;
  return {
    cloud_all: frac('all'),
    cloud_center: frac('center'),
    cloud_n: frac('n'),
    cloud_e: frac('e'),
    cloud_s: frac('s'),
    cloud_w: frac('w'),
    brightness: round(mean),
    contrast: count === 0 ? 0 : round(Math.sqrt(Math.max(0, lumSq / count - mean * mean))),
  };
}

/** The picture reduced to the analysis grid (any format sharp decodes), or ImageRejectedError. */
async function decode(bytes: Buffer, options: ImageFeatureOptions): Promise<AnalysisGrid> {
  if (bytes.length === 0) throw new ImageRejectedError('image is empty (0 bytes)');
  const n = options.size;
  let data: Buffer;
  let width: number | undefined;
  let height: number | undefined;
  try {
    // Strictest: a picture the decoder only warns about (corrupt JPEG scan data) would give garbage features.
    const image = sharp(bytes, { failOn: 'warning', limitInputPixels: options.maxPixels });
    ({ width, height } = await image.metadata());
    data = await image.removeAlpha().resize(n, n, { fit: 'fill' }).toColourspace('srgb').raw().toBuffer();
  } catch (err) {
    throw new ImageRejectedError(`image cannot be decoded: ${(err as Error).message}`);
  }
  const channels = data.length / (n * n);
  if (channels < 3) throw new ImageRejectedError(`image has ${channels} colour channel(s), expected RGB`);
  if (!width || !height) throw new ImageRejectedError('image cannot be decoded: it has no width or height');
  return { data, n, channels, width, height };
}

/** 1 where a grid cell is saturated: luma at least `level` (0-255). */
function saturatedCells({ data, n, channels }: AnalysisGrid, level: number): Uint8Array {
  const out = new Uint8Array(n * n);
  for (let c = 0; c < n * n; c++) {
    const i = c * channels;
    const luma = 0.2126 * (data[i] as number) + 0.7152 * (data[i + 1] as number) + 0.0722 * (data[i + 2] as number);
    if (luma >= level) out[c] = 1;
  }
  return out;
}

/** Whether the cell or one of its eight neighbours is saturated: reducing the picture blends the sun's rim into grey. */
function nearSaturated(saturated: Uint8Array, n: number, x: number, y: number): boolean {
  for (let yy = Math.max(0, y - 1); yy <= Math.min(n - 1, y + 1); yy++)
    for (let xx = Math.max(0, x - 1); xx <= Math.min(n - 1, x + 1); xx++) if (saturated[yy * n + xx] === 1) return true;
  return false;
}

function add(sums: Record<string, [number, number]>, key: string, cloud: number): void {
  const s = sums[key] as [number, number];
  s[0] += cloud;
  s[1] += 1;
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
