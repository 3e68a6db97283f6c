import { normalFromHash } from './normalFromHash';

/** Minutes between two steps of a simulated weather model run. */
export const NWP_STEP_MINUTES = 15;
/** How far a run reaches, minutes after its runAt. */
export const NWP_HORIZON_MINUTES = 12 * 60;
/** The fields of a run: global horizontal irradiance and cloud cover (0..1) over the park. */
export const NWP_FIELDS = ['ghi_wm2', 'cloud_cover'] as const;

/**
 * The model's grid: a run sees the cloud field only as an average over about 16 km around a point (the centre, six
 * points 4 km out and six 8 km out), so cells of a few km are smeared into a cover fraction.
 */
export const NWP_FOOTPRINT_KM: readonly (readonly [number, number])[] = [
  [0, 0],
  ...[4, 8].flatMap((r, ring) =>
    Array.from({ length: 6 }, (_, i): [number, number] => {
      const a = ((i + ring / 2) * Math.PI) / 3;
      return [r * Math.cos(a), r * Math.sin(a)];
    }),
  ),
];

/** How one run of the weather model is wrong: drawn once per run from the seed, the same at every site. */
export interface NwpRunErrors {
  /** Relative error of the forecast wind's speed (0.1: 10 % too fast). */
  speed: number;
  /** Error of the forecast wind's direction, radians (the advection is turned by it). */
  turnRad: number;
  /** A wind error that adds up with lead, m/s east and north: clouds drift further from where they will be. */
  driftEastMs: number;
  driftNorthMs: number;
  /** Clouds' life cycle early or late: minutes at +0, growing by `timingPerHourMin` every hour of lead. */
  timingMin: number;
  timingPerHourMin: number;
  /** Cover bias: added to the cloud threshold, scaled by sqrt(lead / horizon) (none at +0). */
  threshold: number;
}

/** The errors of the run started at `runAtMs`: every draw from the seed, so two processes agree. */
export function nwpRunErrors(seed: number, runAtMs: number): NwpRunErrors {
  const n = (channel: string): number => normalFromHash([seed, 'nwp', runAtMs, channel]);
  return {
    speed: 0.1 * n('speed'),
    turnRad: ((7 * Math.PI) / 180) * n('turn'),
    driftEastMs: 1.2 * n('drift-east'),
    driftNorthMs: 1.2 * n('drift-north'),
    timingMin: 8 * n('timing'),
    timingPerHourMin: 6 * n('timing-growth'),
    threshold: 0.6 * n('threshold'),
  };
}
