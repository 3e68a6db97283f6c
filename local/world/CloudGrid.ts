import { CLOUD_EDGE_WIDTH } from './cloudEdgeWidth';
import { smoothstep } from './smoothstep';

/** One Fourier mode of the cloud noise. */
export interface CloudMode {
  /** Wave vector, rad/km. */
  kx: number;
  ky: number;
  amplitude: number;
  /** Slow phase drift, rad/s: the clouds change shape while they drift. */
  omega: number;
  phase: number;
}

/** Opacities on a fixed grid of offsets around a moving centre (see CloudField.grid). */
export class CloudGrid {
  private readonly colCos: Float64Array;
  private readonly colSin: Float64Array;
  private readonly rowCos: Float64Array;
  private readonly rowSin: Float64Array;
  private readonly noise: Float64Array;

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
  }

  /** Fills `out` (row-major, rows = y offsets) with the opacity at centre + offset in the air-following frame. */
  opacities(centreXKm: number, centreYKm: number, tauS: number, threshold: number, out: Float64Array): void {
    const nx = this.xOffsetsKm.length;
    const ny = this.yOffsetsKm.length;
    const { noise, colCos, colSin, rowCos, rowSin } = this;
    noise.fill(0);
    for (let i = 0; i < this.modes.length; i++) {
      const m = this.modes[i] as CloudMode;
      const a = m.kx * centreXKm + m.ky * centreYKm + m.omega * tauS + m.phase;
      // amplitude · e^{i a}; then e^{i(a + ky·y)} per row and the real part of its product with e^{i kx·x} per pixel.
      const cr = m.amplitude * Math.cos(a);
      const ci = m.amplitude * Math.sin(a);
      for (let r = 0; r < ny; r++) {
        const yc = rowCos[i * ny + r] as number;
        const ys = rowSin[i * ny + r] as number;
        const rr = cr * yc - ci * ys;
        const ri = cr * ys + ci * yc;
        const base = r * nx;
        const colBase = i * nx;
        for (let c = 0; c < nx; c++) {
          noise[base + c] = (noise[base + c] as number) + rr * (colCos[colBase + c] as number) - ri * (colSin[colBase + c] as number);
        }
      }
    }
    for (let p = 0; p < nx * ny; p++) out[p] = smoothstep(((noise[p] as number) - threshold) / CLOUD_EDGE_WIDTH);
  }
}
