/**
 * Clear-sky global horizontal irradiance (W/m²) by the Haurwitz model: it needs only the sun's zenith angle,
 * which is all the toy world knows about the atmosphere. Zero when the sun is below the horizon.
 */
export function clearSkyGhi(cosZenith: number): number {
  if (cosZenith <= 0) return 0;
  return 1098 * cosZenith * Math.exp(-0.059 / cosZenith);
}
