import { MIN_BAND_ROWS } from '../registry/expectedRmseAt';
import { AGE_BAND_EDGES, ageBandOf, type ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import { roundSignificant } from '../util/significant';
import type { Rows } from './rowsWhere';

/**
 * A model's expected RMSE per lead and age band of its inputs.
 *
 * The fresh band is `fresh.rmse`, the card's own figure on the held-out rows every model shares. An older band is
 * that figure times how much worse the same model did on the same held-out slots once its inputs were aged by
 * simulated outages: RMSE on the aged rows of the band / RMSE on the fresh rows of the same slots (`freshRows` with
 * `freshPredictions`, matched by key). Comparing slot for slot matters: the aged rows of one band are a different
 * mix of hours than the fresh rows (night rows with no error at all, for a solar target), and their raw RMSE made
 * stale inputs look better than fresh ones. A band is never better than a younger one (older inputs know no more).
 *
 * A row's band is that of the largest age / staleness limit over `sources`, read from its `<source>.age_min` columns;
 * `n` is the number of matched slots a band's ratio rests on.
 */
export function expectedErrorTable(opts: {
  fresh: { rmse: number[]; n: number };
  aged: Rows;
  predictions: Float32Array;
  freshRows: Rows;
  freshPredictions: Float32Array;
  featureNames: readonly string[];
  sources: readonly string[];
  limits: Readonly<Record<string, number>>;
}): ExpectedErrorTable {
  const { aged, predictions, freshRows, freshPredictions, featureNames, sources, limits } = opts;
  const L = aged.leads;
  const ageColumns = sources.map((s) => ({ col: featureNames.indexOf(`${s}.age_min`), limit: limits[s] ?? 60 }));
  const freshIndex = new Map(freshRows.keys.map((k, i) => [k, i]));
  const N = aged.keys.length;
  const ratios = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    let ratio = 0;
    for (const { col, limit } of ageColumns) {
      if (col >= 0) ratio = Math.max(ratio, (aged.X[r * aged.cols + col] as number) / limit);
    }
    ratios[r] = ratio;
  }
  // Per band and lead: squared errors of the aged rows and of the same slots' fresh rows.
  const bandCount = AGE_BAND_EDGES.length + 1;
  const sseAged = Array.from({ length: bandCount }, () => new Float64Array(L));
  const sseFresh = Array.from({ length: bandCount }, () => new Float64Array(L));
  const matched = new Array<number>(bandCount).fill(0);
  for (let r = 0; r < N; r++) {
    const f = freshIndex.get(aged.keys[r] as string);
    if (f === undefined) continue;
    const band = ageBandOf(ratios[r] as number);
    let finite = true;
    for (let l = 0; l < L; l++) {
      const y = aged.Y[r * L + l] as number;
      if (!(Number.isFinite(predictions[r * L + l]) && Number.isFinite(freshPredictions[f * L + l]))) finite = false;
      if (!Number.isFinite(y)) finite = false;
    }
    if (!finite) continue;
    matched[band] = (matched[band] as number) + 1;
    const a = sseAged[band] as Float64Array;
    const b = sseFresh[band] as Float64Array;
    for (let l = 0; l < L; l++) {
      const y = aged.Y[r * L + l] as number;
      a[l] = (a[l] as number) + ((predictions[r * L + l] as number) - y) ** 2;
      b[l] = (b[l] as number) + ((freshPredictions[f * L + l] as number) - y) ** 2;
    }
  }
  const bands: ExpectedErrorTable['bands'] = [{ band: 0, rmse: opts.fresh.rmse.map(round), n: opts.fresh.n }];
  let floor = opts.fresh.rmse;
  for (let band = 1; band < bandCount; band++) {
    const n = matched[band] as number;
    if (n === 0) continue;
    const rmse = floor.map((younger, l) => {
      const a = (sseAged[band] as Float64Array)[l] as number;
      const f = (sseFresh[band] as Float64Array)[l] as number;
      // Slots where the fresh model made no error at all (night) carry no ratio; aged error there still counts.
      const factor = f > 0 ? Math.sqrt(a / f) : a > 0 ? Number.POSITIVE_INFINITY : 1;
      const base = opts.fresh.rmse[l] as number;
      return Math.max(younger, Number.isFinite(factor) ? base * factor : Number.NaN);
    });
    if (rmse.some((v) => !Number.isFinite(v))) continue;
    bands.push({ band, rmse: rmse.map(round), n });
    // Only a band the chooser would trust raises the floor of the older ones.
    if (n >= MIN_BAND_ROWS) floor = rmse;
  }
  return { bands, maxAgeRatio: round(ratios.reduce((m, x) => Math.max(m, x), sources.length === 0 ? 0 : 1)) };
}

function round(v: number): number {
  return roundSignificant(v, 6);
}
