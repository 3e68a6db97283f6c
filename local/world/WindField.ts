import { createRng } from './createRng';
import { hash32 } from '../../shared/util/hash32';

/** The wind at one instant. */
export interface WindState {
  /** Eastward component, m/s (positive: blowing towards the east). */
  uMs: number;
  /** Northward component, m/s (positive: blowing towards the north). */
  vMs: number;
  /** Speed, m/s. */
  speedMs: number;
  /** Meteorological direction: where the wind comes FROM, degrees clockwise from north (270 = from the west). */
  directionDeg: number;
}

interface Wave {
  amplitude: number;
  /** rad/s */
  omega: number;
  phase: number;
}

/** Mean eastward wind, m/s: the prevailing westerly. */
const MEAN_U = 8.5;
/** Largest swing of the eastward component around its mean (keeps u in 4.5..12.5 m/s). */
const U_SWING = 4;
/** Largest northward component (with u >= 4.5 this keeps the direction within ~51° of west, speed <= 13.7 m/s). */
const V_SWING = 5.5;
/** Periods of the wind's variations, hours: from half a day to several days. */
const PERIOD_BANDS_H: ReadonlyArray<readonly [number, number]> = [
  [8, 20],
  [20, 50],
  [50, 130],
];

/**
 * A slowly varying, spatially uniform wind: each component is a constant plus a few sinusoids, so the distance
 * the air has travelled since the epoch is closed-form. That lets the cloud field be advected to any time
 * without stepping through the times before it.
 */
export class WindField {
  private readonly uWaves: Wave[];
  private readonly vWaves: Wave[];

  constructor(seed: number) {
    const rng = createRng(hash32([seed, 'wind']));
    this.uWaves = waves(rng, U_SWING);
    this.vWaves = waves(rng, V_SWING);
  }

  /** The wind at `tauS` seconds after WORLD_EPOCH_MS. */
  at(tauS: number): WindState {
    const u = MEAN_U + sumSin(this.uWaves, tauS);
    const v = sumSin(this.vWaves, tauS);
    const directionDeg = ((((Math.atan2(-u, -v) * 180) / Math.PI) % 360) + 360) % 360;
    return { uMs: u, vMs: v, speedMs: Math.hypot(u, v), directionDeg };
  }

  /** How far the air has moved, km east and km north, since the epoch: the integral of the wind over [0, tauS]. */
  displacementKm(tauS: number): { dxKm: number; dyKm: number } {
    return {
      dxKm: (MEAN_U * tauS + integral(this.uWaves, tauS)) / 1000,
      dyKm: integral(this.vWaves, tauS) / 1000,
    };
  }
}

function waves(rng: () => number, swing: number): Wave[] {
  const weights = PERIOD_BANDS_H.map(() => 0.4 + rng());
  const total = weights.reduce((a, b) => a + b, 0);
  return PERIOD_BANDS_H.map(([lo, hi], i) => ({
    amplitude: (swing * (weights[i] ?? 0)) / total,
    omega: (2 * Math.PI) / ((lo + (hi - lo) * rng()) * 3600),
    phase: 2 * Math.PI * rng(),
  }));
}

function sumSin(ws: readonly Wave[], tauS: number): number {
  let s = 0;
  for (const w of ws) s += w.amplitude * Math.sin(w.omega * tauS + w.phase);
  return s;
}

/** ∫₀^τ a·sin(ωs + φ) ds = a/ω · (cos φ − cos(ωτ + φ)). */
function integral(ws: readonly Wave[], tauS: number): number {
  let s = 0;
  for (const w of ws) s += (w.amplitude / w.omega) * (Math.cos(w.phase) - Math.cos(w.omega * tauS + w.phase));
  return s;
}
