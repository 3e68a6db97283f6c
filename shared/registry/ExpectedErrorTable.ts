/**
 * Upper edges of the age bands, as multiples of a source's staleness limit: band 0 is fresh (age <= limit), band 1
 * up to twice it, and so on; the last band is everything older than the last edge.
 */
export const AGE_BAND_EDGES: readonly number[] = [1, 2, 4, 8, 16];

/** Held-out RMSE of a model (or a baseline) per lead, at one age band of its inputs. */
export interface AgeBandError {
  /** Index into AGE_BAND_EDGES (its length: older than the last edge). */
  band: number;
  /** RMSE per lead, in the card's lead order. */
  rmse: number[];
  /** Held-out rows in the band. */
  n: number;
}

/**
 * A model's expected error by the age of its inputs, measured on held-out rows (fresh ones and ones whose inputs
 * were aged as an outage ages them). A row's age ratio is the largest age / staleness limit over the model's
 * sources; band 0 is the card's own held-out figures. Cards of older versions have none: the chooser then keeps
 * the freshness-first rule.
 */
export interface ExpectedErrorTable {
  bands: AgeBandError[];
  /** The largest age ratio the rows saw; a trained model is not trusted beyond it (persistence always is). */
  maxAgeRatio: number;
}

/** The age band of an age ratio (age / staleness limit). */
export function ageBandOf(ratio: number): number {
  const i = AGE_BAND_EDGES.findIndex((edge) => ratio <= edge);
  return i < 0 ? AGE_BAND_EDGES.length : i;
}

/** A band as a reader sees it: `fresh`, `1-2x limit`, ..., `>16x limit`. */
export function ageBandLabel(band: number): string {
  if (band === 0) return 'fresh';
  const lo = AGE_BAND_EDGES[band - 1];
  const hi = AGE_BAND_EDGES[band];
  return hi === undefined ? `>${lo}x limit` : `${lo}-${hi}x limit`;
}
