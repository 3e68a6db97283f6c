import { clearSkyGhi } from './clearSkyGhi';
import { solarPosition } from './solarPosition';

/**
 * Clear-sky GHI (W/m², about 5° of sun elevation) under which the clear-sky index is no longer measured: the
 * newest value is divided by this instead, so a near-zero divisor never amplifies sensor noise at dawn and dusk.
 */
export const SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2 = 50;

/** Where the clear sky is computed: a site, degrees north and east. */
export interface SmartPersistenceSite {
  latitude: number;
  longitude: number;
}

/** Clear-sky GHI (W/m²) at a site at a time (epoch ms): the sun's position, then the Haurwitz model. */
export function clearSkyAt(site: SmartPersistenceSite, time: number): number {
  return clearSkyGhi(solarPosition(site.latitude, site.longitude, new Date(time)).cosZenith);
}

/**
 * Smart persistence from the clear sky at the newest observation and at the validTime: the clear-sky index
 * k = value / clear sky then, carried forward and multiplied by the clear sky at validTime. The one formula, shared
 * by the reference (smartPersistence) and the serving model's ONNX graph (built with the same threshold).
 */
export function smartPersistenceFromClearSky(
  value: number,
  clearSkyAtObservation: number,
  clearSkyAtValidTime: number,
): number {
  // k >= 0 (a negative reading is a sensor offset, not light); low sun: k = value / 50 W/m², so 0 once the sun is down.
  return (
    (Math.max(0, value) * clearSkyAtValidTime) / Math.max(clearSkyAtObservation, SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2)
  );
}

/**
 * THE smart persistence forecast of a solar target at `validTime` (epoch ms): the newest observation (its value and
 * observedAt, epoch ms) turned into a clear-sky index at the site's clear sky of its observedAt, and carried forward.
 * NaN when the value is not a number.
 */
export function smartPersistence(
  newest: { value: number; observedAt: number },
  site: SmartPersistenceSite,
  validTime: number,
): number {
  return smartPersistenceFromClearSky(newest.value, clearSkyAt(site, newest.observedAt), clearSkyAt(site, validTime));
}
