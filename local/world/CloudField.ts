import { createRng } from './createRng';
import { hash32 } from '../../shared/util/hash32';
import { unitFromHash } from './unitFromHash';
import { CloudGrid, type CloudMode } from './CloudGrid';
import { CLOUD_EDGE_WIDTH } from './cloudEdgeWidth';
import { smoothstep } from './smoothstep';
import { WORLD_EPOCH_MS } from './worldEpoch';

/** Number of Fourier modes: enough for an irregular look at every scale, few enough to evaluate fast. */
const MODE_COUNT = 48;
/**
 * Cloud wavelengths, km (stratified log-uniform): the cloudy half of a wave is a cloud, so single cells of a couple
 * of km up to cloud bands and holes of tens of km, and the largest modes make one side of the region cloudier than
 * the other, as a satellite sees it.
 */
const WAVELENGTH_KM: readonly [number, number] = [4, 200];
/**
 * Amplitude ∝ wavelength^SPECTRAL_SLOPE: the structures of tens of km carry most of the variance (what can be seen
 * coming), the cells of a few km enough of it that one station's reading is a noisy sample of what is upwind and
 * a cloud fraction over an area says more.
 */
const SPECTRAL_SLOPE = 0.35;
/**
 * Life cycle of a mode, hours: LIFE_BASE_H + wavelength × LIFE_PER_KM_H (±20 %). Each mode is two overlapping
 * generations of a wave that grows and dissolves; its correlation with itself falls to 1/e after a little under
 * half a cycle: about an hour for 4 km cells, 1.5 hours at 10 km, 4 hours at 30 km, 12 hours at 100 km. So small
 * cells change within the hour while the structures of tens of km the wind carries from 30-80 km upwind arrive
 * still recognisable.
 */
const LIFE_BASE_H = 1;
const LIFE_PER_KM_H = 0.25;
/** Cloudiness regimes change once a day, knots at 12:00 UTC (daytime in Europe is one regime). */
const REGIME_DAY_MS = 86_400_000;
const REGIME_OFFSET_MS = 43_200_000;

interface ModeLife {
  amplitude: number;
  /** Length of one generation, s. */
  cycleS: number;
  /** Where in its cycle the mode is at the epoch, 0..1. */
  offset: number;
}

/**
 * A cloud field on a plane (km east, km north), in the frame that moves with the air: smooth Gaussian-like noise
 * (a sum of Fourier modes) cut by a threshold that rises and falls from day to day, giving clear, broken and
 * overcast days. The world advects it with the wind.
 *
 * The clouds evolve without oscillating: each mode is the sum of two generations of the same wave, half a cycle
 * apart, each fading in and out (sin² envelopes that add up to 1, so the variance stays constant) and drawing a new
 * random phase (from a hash, so any time can be evaluated directly) at each birth. The field therefore loses its
 * memory smoothly, fast at small scales and slowly at large ones, and never comes back to an old pattern.
 */
export class CloudField {
  private readonly modes: CloudMode[];
  private readonly lives: ModeLife[];
  private readonly wiggle: { amplitude: number; omega: number; phase: number };
  /** The coefficients of the last instant asked for: every source asks several times for the same instant. */
  private cached: { tauS: number; coefficients: Float64Array } | undefined;

  constructor(private readonly seed: number) {
    const rng = createRng(hash32([seed, 'clouds']));
    const modes: CloudMode[] = [];
    const lives: ModeLife[] = [];
    const [lo, hi] = WAVELENGTH_KM;
    for (let i = 0; i < MODE_COUNT; i++) {
      // Stratified: every band of scales gets its share of modes, whatever the seed.
      const wavelength = lo * Math.pow(hi / lo, (i + rng()) / MODE_COUNT);
      const angle = 2 * Math.PI * rng();
      const k = (2 * Math.PI) / wavelength;
      modes.push({ kx: k * Math.cos(angle), ky: k * Math.sin(angle) });
      lives.push({
        amplitude: Math.pow(wavelength, SPECTRAL_SLOPE),
        cycleS: (LIFE_BASE_H + wavelength * LIFE_PER_KM_H) * (0.8 + 0.4 * rng()) * 3600,
        offset: rng(),
      });
    }
    // Unit variance: each mode contributes amplitude²/2 (random phase, envelopes squared summing to 1).
    const norm = Math.sqrt(lives.reduce((s, m) => s + (m.amplitude * m.amplitude) / 2, 0));
    this.modes = modes;
    this.lives = lives.map((m) => ({ ...m, amplitude: m.amplitude / norm }));
    this.wiggle = { amplitude: 0.3, omega: (2 * Math.PI) / (7 * 3600), phase: 2 * Math.PI * rng() };
  }

  /** Noise level above which there is cloud, at `tauS` seconds after the epoch (high: clear; low: overcast). */
  threshold(tauS: number): number {
    const pos = (WORLD_EPOCH_MS + tauS * 1000 - REGIME_OFFSET_MS) / REGIME_DAY_MS;
    const day = Math.floor(pos);
    const f = pos - day;
    // A plateau around each knot, a smooth change in between.
    const w = smoothstep((f - 0.25) / 0.5);
    const base =
      regimeThreshold(unitFromHash([this.seed, 'regime', day])) * (1 - w) +
      regimeThreshold(unitFromHash([this.seed, 'regime', day + 1])) * w;
    return base + this.wiggle.amplitude * Math.sin(this.wiggle.omega * tauS + this.wiggle.phase);
  }

  /** Expected fraction of the sky covered (the share of noise above the threshold, logistic approximation). */
  static coverFromThreshold(threshold: number): number {
    return 1 / (1 + Math.exp(1.7 * threshold));
  }

  /**
   * The complex amplitude (re, im) of every mode at `tauS`. The returned array is shared: read it, do not keep
   * or change it.
   */
  coefficients(tauS: number): Float64Array {
    if (this.cached?.tauS === tauS) return this.cached.coefficients;
    const out = new Float64Array(2 * this.modes.length);
    this.lives.forEach((life, i) => {
      let re = 0;
      let im = 0;
      for (let generation = 0; generation < 2; generation++) {
        const u = tauS / life.cycleS + life.offset + generation / 2;
        const birth = Math.floor(u);
        const envelope = Math.sin(Math.PI * (u - birth));
        const phase = 2 * Math.PI * unitFromHash([this.seed, 'cloud-life', i, generation, birth]);
        re += envelope * Math.cos(phase);
        im += envelope * Math.sin(phase);
      }
      out[2 * i] = life.amplitude * re;
      out[2 * i + 1] = life.amplitude * im;
    });
    this.cached = { tauS, coefficients: out };
    return out;
  }

  /** Opacity 0..1 at a point of the air-following frame. */
  opacity(xKm: number, yKm: number, tauS: number, threshold: number): number {
    const c = this.coefficients(tauS);
    let n = 0;
    for (let i = 0; i < this.modes.length; i++) {
      const m = this.modes[i] as CloudMode;
      const a = m.kx * xKm + m.ky * yKm;
      n += (c[2 * i] as number) * Math.cos(a) - (c[2 * i + 1] as number) * Math.sin(a);
    }
    return smoothstep((n - threshold) / CLOUD_EDGE_WIDTH);
  }

  /** An evaluator for a fixed grid of offsets (a camera's pixels): see CloudGrid. */
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
