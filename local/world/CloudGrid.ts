import { CLOUD_EDGE_WIDTH } from './cloudEdgeWidth';
import { smoothstep } from './smoothstep';

/** One Fourier mode of the cloud noise: a fixed wave vector whose complex amplitude changes slowly over time. */
export interface CloudMode {
  /** Wave vector, rad/km. */
  kx: number;
  ky: number;
}

/**
 * Opacities on a fixed grid of offsets around a moving centre (see CloudField.grid). The per-column and per-row
 * factors of every mode are computed once, so each image costs a few multiply-adds per pixel and mode.
 */
export class CloudGrid {
  private readonly colCos: Float64Array;
  private readonly colSin: Float64Array;
  private readonly rowCos: Float64Array;
  private readonly rowSin: Float64Array;
  private readonly noise: Float64Array;
  /** Per row and mode (row-major), the complex factor of the current image. */
  private readonly rowRe: Float64Array;
  private readonly rowIm: Float64Array;

  constructor(
    private readonly modes: readonly CloudMode[],
    readonly xOffsetsKm: Float64Array,
    readonly yOffsetsKm: Float64Array,
  ) {
    const nx = xOffsetsKm.length;
    const ny = yOffsetsKm.length;
    this.colCos = new Float64Array(modes.length * nx);
    this.colSin = new Float64Array(modes.length * nx);
    this.rowCos = new Float64Array(modes.length * ny);
    this.rowSin = new Float64Array(modes.length * ny);
    modes.forEach((m, i) => {
      xOffsetsKm.forEach((x, j) => {
        this.colCos[i * nx + j] = Math.cos(m.kx * x);
        this.colSin[i * nx + j] = Math.sin(m.kx * x);
      });
      yOffsetsKm.forEach((y, j) => {
        this.rowCos[i * ny + j] = Math.cos(m.ky * y);
        this.rowSin[i * ny + j] = Math.sin(m.ky * y);
      });
    });
    this.noise = new Float64Array(nx * ny);
    this.rowRe = new Float64Array(ny * modes.length);
    this.rowIm = new Float64Array(ny * modes.length);
  }

  /**
   * Fills `out` (row-major, rows = y offsets) with the opacity at centre + offset in the air-following frame.
   * `coefficients` holds each mode's complex amplitude at the instant (re, im pairs: CloudField.coefficients).
   */
  opacities(
    centreXKm: number,
    centreYKm: number,
    coefficients: Float64Array,
    threshold: number,
    out: Float64Array,
  ): void {
    const nx = this.xOffsetsKm.length;
    const ny = this.yOffsetsKm.length;
    const modeCount = this.modes.length;
    const { noise, colCos, colSin, rowCos, rowSin, rowRe, rowIm } = this;
    // Per mode and row: amplitude · e^{i(kx·cx + ky·cy)} · e^{i ky·y}; the pixel's value is the real part of its
    // product with e^{i kx·x}.
    for (let i = 0; i < modeCount; i++) {
      const m = this.modes[i] as CloudMode;
      const a = m.kx * centreXKm + m.ky * centreYKm;
      const re = coefficients[2 * i] as number;
      const im = coefficients[2 * i + 1] as number;
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      const cr = re * ca - im * sa;
      const ci = re * sa + im * ca;
      for (let r = 0; r < ny; r++) {
        const yc = rowCos[i * ny + r] as number;
        const ys = rowSin[i * ny + r] as number;
        rowRe[r * modeCount + i] = cr * yc - ci * ys;
        rowIm[r * modeCount + i] = cr * ys + ci * yc;
      }
    }
    // Row by row, two modes per pass over the row (half the loads and stores of the sum).
    for (let r = 0; r < ny; r++) {
      const base = r * nx;
      const rowBase = r * modeCount;
      noise.fill(0, base, base + nx);
      let i = 0;
      for (; i + 1 < modeCount; i += 2) {
        const re0 = rowRe[rowBase + i] as number;
        const im0 = rowIm[rowBase + i] as number;
        const re1 = rowRe[rowBase + i + 1] as number;
        const im1 = rowIm[rowBase + i + 1] as number;
        const c0 = i * nx;
        const c1 = c0 + nx;
        for (let c = 0; c < nx; c++) {
          noise[base + c] =
            (noise[base + c] as number) +
            re0 * (colCos[c0 + c] as number) -
            im0 * (colSin[c0 + c] as number) +
            re1 * (colCos[c1 + c] as number) -
            im1 * (colSin[c1 + c] as number);
        }
      }
      if (i < modeCount) {
        const re0 = rowRe[rowBase + i] as number;
        const im0 = rowIm[rowBase + i] as number;
        const c0 = i * nx;
        for (let c = 0; c < nx; c++)
          noise[base + c] =
            (noise[base + c] as number) + re0 * (colCos[c0 + c] as number) - im0 * (colSin[c0 + c] as number);
      }
    }
    for (let p = 0; p < nx * ny; p++) out[p] = smoothstep(((noise[p] as number) - threshold) / CLOUD_EDGE_WIDTH);
  }
}
