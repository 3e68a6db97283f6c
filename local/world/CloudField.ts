import { createRng } from './createRng';
import { hash32 } from './hash32';
import { unitFromHash } from './unitFromHash';
import { CloudGrid, type CloudMode } from './CloudGrid';
import { CLOUD_EDGE_WIDTH } from './cloudEdgeWidth';
import { smoothstep } from './smoothstep';
import { WORLD_EPOCH_MS } from './worldEpoch';

/** Number of Fourier modes: enough for an irregular, non-repeating look, few enough to evaluate fast. */
const MODE_COUNT = 32;
/** Cloud wavelengths, km (log-uniform): single cumulus cells up to cloud streets. */
const WAVELENGTH_KM: readonly [number, number] = [3, 40];
/** Cloudiness regimes change once a day, knots at 12:00 UTC (daytime in Europe is one regime). */
const REGIME_DAY_MS = 86_400_000;
const REGIME_OFFSET_MS = 43_200_000;

/**
 * A cloud field on a plane (km east, km north), in the frame that moves with the air: smooth Gaussian-like noise
 * (a sum of random Fourier modes whose phases drift slowly) cut by a threshold that rises and falls from day to
 * day, giving clear, broken and overcast days. The world advects it with the wind.
 */
export class CloudField {
  private readonly modes: CloudMode[];
  private readonly wiggle: { amplitude: number; omega: number; phase: number };

  constructor(private readonly seed: number) {
    const rng = createRng(hash32([seed, 'clouds']));
    const raw: CloudMode[] = [];
    const [lo, hi] = WAVELENGTH_KM;
    for (let i = 0; i < MODE_COUNT; i++) {
      const wavelength = lo * Math.pow(hi / lo, rng());
      const angle = 2 * Math.PI * rng();
      const k = (2 * Math.PI) / wavelength;
      const periodH = (1.5 + wavelength / 4) * (0.7 + 0.6 * rng());
      raw.push({
        kx: k * Math.cos(angle),
        ky: k * Math.sin(angle),
        amplitude: Math.sqrt(wavelength),
        omega: ((rng() < 0.5 ? -1 : 1) * 2 * Math.PI) / (periodH * 3600),
        phase: 2 * Math.PI * rng(),
      });
    }
    // Unit variance: each cosine with random phase contributes amplitude²/2.
    const norm = Math.sqrt(raw.reduce((s, m) => s + (m.amplitude * m.amplitude) / 2, 0));
    this.modes = raw.map((m) => ({ ...m, amplitude: m.amplitude / norm }));
    this.wiggle = { amplitude: 0.3, omega: (2 * Math.PI) / (7 * 3600), phase: 2 * Math.PI * rng() };
  }

  /** Noise level above which there is cloud, at `tauS` seconds after the epoch (high: clear; low: overcast). */
  threshold(tauS: number): number {
    const pos = (WORLD_EPOCH_MS + tauS * 1000 - REGIME_OFFSET_MS) / REGIME_DAY_MS;
    const day = Math.floor(pos);
    const f = pos - day;
    // A plateau around each knot, a smooth change in between.
    const w = smoothstep((f - 0.25) / 0.5);
    const base = regimeThreshold(unitFromHash([this.seed, 'regime', day])) * (1 - w) +
      regimeThreshold(unitFromHash([this.seed, 'regime', day + 1])) * w;
    return base + this.wiggle.amplitude * Math.sin(this.wiggle.omega * tauS + this.wiggle.phase);
  }

  /** Expected fraction of the sky covered (the share of noise above the threshold, logistic approximation). */
  static coverFromThreshold(threshold: number): number {
    return 1 / (1 + Math.exp(1.7 * threshold));
  }

  /** Opacity 0..1 at a point of the air-following frame. */
  opacity(xKm: number, yKm: number, tauS: number, threshold: number): number {
    let n = 0;
    for (const m of this.modes) n += m.amplitude * Math.cos(m.kx * xKm + m.ky * yKm + m.omega * tauS + m.phase);
    return smoothstep((n - threshold) / CLOUD_EDGE_WIDTH);
  }

  /**
   * An evaluator for a fixed grid of offsets (a camera's pixels): the per-column and per-row factors of every mode
   * are computed once, so each image costs a few multiply-adds per pixel and mode instead of a cosine.
   */
  grid(xOffsetsKm: Float64Array, yOffsetsKm: Float64Array): CloudGrid {
    return new CloudGrid(this.modes, xOffsetsKm, yOffsetsKm);
  }
}

/** Threshold of one day's regime from a uniform draw: ~30% clear, ~45% broken, ~25% overcast days. */
function regimeThreshold(u: number): number {
  if (u < 0.3) return 2.4 + 0.6 * (u / 0.3);
  if (u < 0.75) return 1.3 - 2.0 * ((u - 0.3) / 0.45);
  return -1.6 - 0.8 * ((u - 0.75) / 0.25);
}
