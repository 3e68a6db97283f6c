import type { ExpectedErrorTable } from './ExpectedErrorTable';

/** Fewest held-out rows a band's figure is trusted on. */
export const MIN_BAND_ROWS = 30;

/** How much a figure grows per band when it is borrowed from a younger band. */
const INFLATION_PER_BAND = 1.5;

/**
 * A model's expected RMSE per lead at an age band: the band's own figure when it rests on at least MIN_BAND_ROWS
 * rows; else the nearest older band's that does (older inputs are no better); else the nearest younger band's,
 * inflated by 1.5 for every band it is younger. Undefined when no band has enough rows.
 */
export function expectedRmseAt(table: ExpectedErrorTable, band: number): number[] | undefined {
  const trusted = table.bands.filter((b) => b.n >= MIN_BAND_ROWS && b.rmse.every((v) => Number.isFinite(v)));
  const own = trusted.find((b) => b.band === band);
  if (own) return own.rmse;
  const older = trusted.filter((b) => b.band > band).sort((a, b) => a.band - b.band)[0];
  if (older) return older.rmse;
  const younger = trusted.filter((b) => b.band < band).sort((a, b) => b.band - a.band)[0];
  if (!younger) return undefined;
  const factor = INFLATION_PER_BAND ** (band - younger.band);
  return younger.rmse.map((v) => v * factor);
}
