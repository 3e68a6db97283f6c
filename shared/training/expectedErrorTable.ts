import { rmse } from '../models/metrics/rmse';
import { AGE_BAND_EDGES, ageBandOf, type ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import { roundSignificant } from '../util/significant';
import { column, type Rows } from './rowsWhere';

/**
 * A model's expected RMSE per lead and age band of its inputs. Band 0 (fresh) is the figure the card ranks by
 * (`fresh`, on the held-out rows every model shares); the older bands come from held-out rows whose inputs were
 * aged as outages age them (`aged`, with `predictions` N×L on them): a row's band is that of the largest
 * age / staleness limit over `sources`, read from its `<source>.age_min` columns.
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
  const bands = [{ band: 0, rmse: opts.fresh.rmse.map(round), n: opts.fresh.n }];
  for (let band = 1; band <= AGE_BAND_EDGES.length; band++) {
    const inBand = [...ratios].map((x) => ageBandOf(x) === band);
    const n = inBand.filter(Boolean).length;
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
