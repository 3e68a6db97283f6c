import { createRng } from './createRng';
import { hash32 } from '../../shared/util/hash32';

/** The air at a site, before measurement noise. */
export interface AirState {
  tempC: number;
  humidityPct: number;
  pressureHpa: number;
}

/** What the air depends on at one site and instant. */
export interface AirInputs {
  /** Seconds since WORLD_EPOCH_MS. */
  tauS: number;
  /** The instant itself (for the season and local solar hour). */
  t: Date;
  latitudeDeg: number;
  longitudeDeg: number;
  /** Expected sky cover 0..1 of the current regime. */
  cover: number;
  /** Cloud opacity over the site 0..1 right now. */
  localOpacity: number;
  /** Sun height factor (cos zenith), negative at night. */
  cosZenith: number;
}

interface Swing {
  amplitude: number;
  omega: number;
  phase: number;
}

const DAY_S = 86_400;

/**
 * Temperature, humidity and pressure of a mid-latitude toy climate: a season, weather systems passing every few
 * days, a daily cycle damped by cloud, and a cooler air under a cloud in sunshine. Cloudier regimes are more humid
 * and come with lower pressure, so the weather source carries a hint of the cloud regime.
 */
export class Weather {
  private readonly tempSwings: Swing[];
  private readonly pressureSwings: Swing[];

  constructor(seed: number) {
    const rng = createRng(hash32([seed, 'weather']));
    const swing = (amplitude: number, periodDays: number): Swing => ({
      amplitude,
      omega: (2 * Math.PI) / (periodDays * (0.8 + 0.4 * rng()) * DAY_S),
      phase: 2 * Math.PI * rng(),
    });
    this.tempSwings = [swing(3, 4.3), swing(2, 9.1)];
    this.pressureSwings = [swing(8, 5.7), swing(4, 2.3)];
  }

  at(x: AirInputs): AirState {
    const dayOfYear = (x.t.getTime() - Date.UTC(x.t.getUTCFullYear(), 0, 1)) / (DAY_S * 1000);
    const hemisphere = x.latitudeDeg >= 0 ? 1 : -1;
    const seasonal = 9 - 8 * hemisphere * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365.25);
    const synoptic = sum(this.tempSwings, x.tauS);
    const solarHour = (((x.t.getUTCHours() + x.t.getUTCMinutes() / 60 + x.longitudeDeg / 15) % 24) + 24) % 24;
    const diurnal = 5 * (1 - 0.7 * x.cover) * Math.cos((2 * Math.PI * (solarHour - 15)) / 24);
    const shade = -1.5 * x.localOpacity * Math.max(0, x.cosZenith);
    const tempC = seasonal + synoptic + diurnal + shade;
    const humidityPct = clamp(60 + 30 * x.cover - 3 * diurnal - 1.5 * synoptic, 15, 100);
    const pressureHpa = 1013 + sum(this.pressureSwings, x.tauS) - 8 * (x.cover - 0.4);
    return { tempC, humidityPct, pressureHpa };
  }
}

function sum(swings: readonly Swing[], tauS: number): number {
  let s = 0;
  for (const w of swings) s += w.amplitude * Math.sin(w.omega * tauS + w.phase);
  return s;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
