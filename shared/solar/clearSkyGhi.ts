/**
 * Clear-sky global horizontal irradiance (W/m²) by the Haurwitz model: it needs only the sun's zenith angle, so
 * features can compute it for any site and time without atmospheric data. Zero when the sun is below the horizon.
 */
export function clearSkyGhi(cosZenith: number): number {
  if (cosZenith <= 0) return 0;
  return 1098 * cosZenith * Math.exp(-0.059 / cosZenith);
}
