import { rmse } from '../models/metrics/rmse';
import { AGE_BAND_EDGES, ageBandOf, type ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import { roundSignificant } from '../util/significant';
import { column, type Rows } from './rowsWhere';

/**
 * A model's expected RMSE per lead and age band of its inputs, on held-out rows whose inputs were aged as simulated
 * outages age them (`aged`, with `predictions` N×L on them; the same outages for every model, so the figures compare):
 * a row's band is that of the largest age / staleness limit over `sources`, read from its `<source>.age_min` columns.
 * The fresh band is `fresh`, the card's own figure on the held-out rows every model shares.
 */
export function expectedErrorTable(opts: {
  fresh: { rmse: number[]; n: number };
  aged: Rows;
  predictions: Float32Array;
  featureNames: readonly string[];
  sources: readonly string[];
  limits: Readonly<Record<string, number>>;
}): ExpectedErrorTable {
  const { aged, predictions, featureNames, sources, limits } = opts;
  const ageColumns = sources.map((s) => ({ col: featureNames.indexOf(`${s}.age_min`), limit: limits[s] ?? 60 }));
  const N = aged.keys.length;
  const ratios = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    let ratio = 0;
    for (const { col, limit } of ageColumns) {
      if (col >= 0) ratio = Math.max(ratio, (aged.X[r * aged.cols + col] as number) / limit);
    }
    ratios[r] = ratio;
  }
  const bands: ExpectedErrorTable['bands'] = [];
  for (let band = 0; band <= AGE_BAND_EDGES.length; band++) {
    const inBand = [...ratios].map((x) => ageBandOf(x) === band);
    const n = inBand.filter(Boolean).length;
    // Fresh: the figure the card ranks by (the rows every model shares), so with every input fresh the choice is
    // the ranking's; a fresh band measured on the aged rows alone proved too noisy (bench:fallback).
    if (band === 0) {
      bands.push({ band: 0, rmse: opts.fresh.rmse.map(round), n: opts.fresh.n });
      continue;
    }
    if (n === 0) continue;
    const only = (a: Float32Array): Float32Array => a.map((v, i) => (inBand[i] ? v : Number.NaN));
    bands.push({
      band,
      rmse: Array.from({ length: aged.leads }, (_, l) =>
        round(rmse(only(column(predictions, aged.leads, l)), only(column(aged.Y, aged.leads, l))).value),
      ),
      n,
    });
  }
  return { bands, maxAgeRatio: round(ratios.reduce((m, x) => Math.max(m, x), sources.length === 0 ? 0 : 1)) };
}

function round(v: number): number {
  return roundSignificant(v, 6);
}
