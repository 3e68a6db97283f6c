import sharp from 'sharp';

export type Rgb = readonly [number, number, number];

/** Clear sky as real cameras see it: red/blue about 0.7, (B - R) / (B + R) about 0.18. */
export const CLEAR_SKY: Rgb = [120, 150, 172];
/** Overcast grey: red/blue about 0.97, (B - R) / (B + R) about 0.016. */
export const OVERCAST: Rgb = [180, 182, 186];
/** The sun: every channel saturated. */
export const SUN: Rgb = [255, 255, 255];
/** A night sky: nearly black, a little blue. */
export const NIGHT_SKY: Rgb = [3, 4, 7];

/** A synthetic camera frame. */
export interface FrameSpec {
  width: number;
  height: number;
  /** The fisheye circle in pixels; outside it the frame is black (sensor noise up to 4). Unset: no rim. */
  circle?: { cx: number; cy: number; r: number };
  /** The sky's colour at a pixel (x east, y south) inside the circle. */
  sky: (x: number, y: number) => Rgb;
  /** What lies outside the circle instead of black (to show it is never looked at). */
  outside?: (x: number, y: number) => Rgb;
  /** Uniform noise amplitude per channel, 0-255 units (default 6). */
  noise?: number;
  seed?: number;
}

/** The frame's raw RGB pixels, row by row. */
export function frameRaw(spec: FrameSpec): Buffer {
  const { width: w, height: h, circle } = spec;
  const noise = spec.noise ?? 6;
  const data = Buffer.alloc(w * h * 3);
  let s = spec.seed ?? 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const out = circle !== undefined && (x + 0.5 - circle.cx) ** 2 + (y + 0.5 - circle.cy) ** 2 > circle.r ** 2;
      const c = out ? spec.outside?.(x, y) : spec.sky(x, y);
      for (let k = 0; k < 3; k++) {
        const v = c === undefined ? rand() * 4 : (c[k] as number) + (rand() * 2 - 1) * noise;
        data[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return data;
}

/** The frame as a PNG (or another format sharp writes). */
export function frame(spec: FrameSpec, format: 'png' | 'gif' | 'webp' | 'tiff' | 'jpeg' = 'png'): Promise<Buffer> {
  const image = sharp(frameRaw(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } });
  if (format === 'gif') return image.gif({ dither: 0 }).toBuffer();
  if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
  if (format === 'tiff') return image.tiff({ compression: 'lzw' }).toBuffer();
  if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  return image.png().toBuffer();
}

/** The fisheye circle of a frame: centred, 0.48 of the shorter side. */
export function centredCircle(width: number, height: number, radius = 0.48): { cx: number; cy: number; r: number } {
  return { cx: width / 2, cy: height / 2, r: radius * Math.min(width, height) };
}
