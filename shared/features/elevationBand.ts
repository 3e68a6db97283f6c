import type { ForecastConfig, SiteConfig } from '../config/ForecastConfig';
import { clearSkyGhi } from '../solar/clearSkyGhi';
import { solarPosition } from '../solar/solarPosition';

/**
 * Edges (degrees) of the sun-elevation bands a solar target's intervals are calibrated in: night, a low sun (dawn
 * and dusk, where errors are small but relatively large), and three steps of a higher sun (where clouds cost most).
 */
export const SOLAR_ELEVATION_EDGES: readonly number[] = [0, 10, 25, 45];

/** The band edges for the target: the solar ones, or none (one band) for a target that is not solar. */
export function elevationEdgesFor(target: ForecastConfig['target']): number[] {
  return target.solar ? [...SOLAR_ELEVATION_EDGES] : [];
}

/** The band of an elevation: 0 at or below the first edge, b in (edges[b-1], edges[b]], edges.length above the last. */
export function elevationBand(edges: readonly number[], elevationDeg: number): number {
  let band = 0;
  while (band < edges.length && elevationDeg > (edges[band] as number)) band++;
  return band;
}

/** Where the sun is at a validTime, for the intervals: its elevation band, and whether it is down. */
export interface SunAtValidTime {
  band: number;
  /**
   * Below the horizon by the test the model's graph applies (the clear-sky irradiance, in float32, is not above
   * zero), so a solar forecast there is zero.
   */
  down: boolean;
}

export function sunAtValidTime(
  site: Pick<SiteConfig, 'latitude' | 'longitude'>,
  validTime: Date,
  edges: readonly number[],
): SunAtValidTime {
  const sun = solarPosition(site.latitude, site.longitude, validTime);
  return { band: elevationBand(edges, sun.elevationDeg), down: !(Math.fround(clearSkyGhi(sun.cosZenith)) > 0) };
}
