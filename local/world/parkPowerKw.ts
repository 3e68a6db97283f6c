/** Reference cell temperature above which the panels lose efficiency, °C. */
const REFERENCE_CELL_C = 25;
/** Efficiency loss per °C above the reference (typical crystalline silicon). */
const LOSS_PER_C = 0.004;

/**
 * AC power of a solar park (kW): proportional to irradiance, derated for cell temperature (the cells run
 * about 25 °C above the air at 800 W/m²), clipped at the inverter capacity, zero in the dark.
 */
export function parkPowerKw(ghiWm2: number, airTempC: number, capacityKw: number): number {
  if (ghiWm2 <= 0) return 0;
  const cellC = airTempC + (ghiWm2 / 800) * 25;
  const derate = 1 - LOSS_PER_C * Math.max(0, cellC - REFERENCE_CELL_C);
  return Math.min(capacityKw, Math.max(0, (capacityKw * ghiWm2 * derate) / 1000));
}
