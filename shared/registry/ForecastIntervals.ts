/**
 * A model's calibrated forecast intervals (split-conformal): quantiles of its held-out residuals (actual - forecast)
 * by lead and by the sun's elevation at the validTime, added to each forecast it serves. Stored in its card entry.
 */
export interface ForecastIntervals {
  /** Quantile levels, ascending (0.1, 0.5, 0.9). */
  quantiles: number[];
  /**
   * Edges of the sun-elevation bands at the validTime, degrees ascending: band 0 holds elevations <= bands[0], band b
   * those in (bands[b-1], bands[b]], the last those above the last edge. Empty: one band (a target that is not solar).
   */
  bands: number[];
  /** Per lead (in the card's lead order), per band, per quantile: the residual quantile added to the forecast. */
  offsets: number[][][];
  /** Per lead, per band: the held-out residuals that fell in the band. */
  n: number[][];
  /** A band with fewer residuals than this takes the offsets of its lead's residuals of every band. */
  minBandRows: number;
}
