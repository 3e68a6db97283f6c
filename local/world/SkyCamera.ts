import { PNG } from 'pngjs';
import type { CloudField } from './CloudField';
import type { CloudGrid } from './CloudGrid';
import { createRng } from './createRng';
import { smoothstep } from './smoothstep';

/** Pixels per image side. */
export const SKYCAM_SIZE_PX = 64;
/**
 * Ground distance covered by one image side, km (the image is centred on the site): a wide view, like a small
 * satellite or all-sky composite, whose western sector reaches 60 km upwind - as far as the prevailing westerly
 * carries clouds in the hour and a half between an observation and the last lead of the forecast it feeds.
 */
export const SKYCAM_SPAN_KM = 120;
/**
 * Red/blue ratio above which a pixel shows cloud: clear sky renders near 0.3, cloud near 1, by day and by night
 * (the classic sky-imager test). The preprocessor's test, (B - R) / (B + R) below 0.1 (red/blue above 0.82, for
 * real cameras whose clear sky is near 0.7), reads sky and cloud alike; only the soft cloud edges count less.
 */
export const SKYCAM_CLOUD_RED_BLUE_RATIO = 0.6;

const [SKY_R, SKY_G, SKY_B] = [60, 125, 225] as const;
const [THIN_CLOUD_R, THIN_CLOUD_G, THIN_CLOUD_B] = [240, 240, 242] as const;
const [THICK_CLOUD_R, THICK_CLOUD_G, THICK_CLOUD_B] = [150, 152, 158] as const;
/** Brightness left at night, so the image is dim but its colours still tell cloud from sky. */
const NIGHT_BRIGHTNESS = 0.12;
/** Amplitude of the uniform pixel noise, per channel (0..255 units). */
const PIXEL_NOISE = 2.5;

/**
 * A camera looking straight down on the cloud field around a site, north up and east right, 120 km across
 * (1.9 km a pixel). Rendering costs a few multiply-adds per pixel and cloud mode (see CloudGrid), so weeks of
 * images take seconds.
 */
export class SkyCamera {
  private readonly grid: CloudGrid;
  private readonly opacity = new Float64Array(SKYCAM_SIZE_PX * SKYCAM_SIZE_PX);

  constructor(private readonly field: CloudField) {
    const step = SKYCAM_SPAN_KM / SKYCAM_SIZE_PX;
    const xs = new Float64Array(SKYCAM_SIZE_PX);
    const ys = new Float64Array(SKYCAM_SIZE_PX);
    for (let i = 0; i < SKYCAM_SIZE_PX; i++) {
      xs[i] = -SKYCAM_SPAN_KM / 2 + (i + 0.5) * step;
      // Row 0 is the northern edge.
      ys[i] = SKYCAM_SPAN_KM / 2 - (i + 0.5) * step;
    }
    this.grid = field.grid(xs, ys);
  }

  /** The PNG seen when the camera is above (centreXKm, centreYKm) of the air-following frame. */
  render(
    centreXKm: number,
    centreYKm: number,
    tauS: number,
    threshold: number,
    sunElevationDeg: number,
    noiseSeed: number,
  ): Buffer {
    this.grid.opacities(centreXKm, centreYKm, this.field.coefficients(tauS), threshold, this.opacity);
    const brightness = NIGHT_BRIGHTNESS + (1 - NIGHT_BRIGHTNESS) * smoothstep((sunElevationDeg + 6) / 26);
    const rng = createRng(noiseSeed);
    const png = new PNG({ width: SKYCAM_SIZE_PX, height: SKYCAM_SIZE_PX });
    const data = png.data;
    for (let p = 0, q = 0; p < this.opacity.length; p++, q += 4) {
      const o = this.opacity[p] as number;
      const thick = o * o;
      // Sky where o = 0, cloud where o = 1; thick cloud is greyer than thin cloud.
      const r = SKY_R * (1 - o) + (THIN_CLOUD_R * (1 - thick) + THICK_CLOUD_R * thick) * o;
      const g = SKY_G * (1 - o) + (THIN_CLOUD_G * (1 - thick) + THICK_CLOUD_G * thick) * o;
      const b = SKY_B * (1 - o) + (THIN_CLOUD_B * (1 - thick) + THICK_CLOUD_B * thick) * o;
      // One draw gives the three channels' noise (10 bits each): the generator is the cost here.
      const bits = (rng() * 4294967296) >>> 0;
      data[q] = channel(r * brightness + ((bits & 1023) / 511.5 - 1) * PIXEL_NOISE);
      data[q + 1] = channel(g * brightness + (((bits >>> 10) & 1023) / 511.5 - 1) * PIXEL_NOISE);
      data[q + 2] = channel(b * brightness + (((bits >>> 20) & 1023) / 511.5 - 1) * PIXEL_NOISE);
      data[q + 3] = 255;
    }
    // RGB without alpha, one fixed filter, light deflate: ~15% smaller than pngjs's defaults (pixel noise defeats
    // heavier compression) and no slower.
    return PNG.sync.write(png, { colorType: 2, filterType: 1, deflateLevel: 3 });
  }
}

function channel(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}
