import type { Dataset } from './Dataset';

/** A subset of a dataset's rows, with the site each came from (datasets are built per site). */
export interface Rows {
  keys: string[];
  X: Float32Array;
  Y: Float32Array;
  persistence: Float32Array;
  /** Smart persistence per row and lead (row-major, like Y), for a solar target. */
  smartPersistence?: Float32Array;
  cols: number;
  leads: number;
}

/** The rows of `parts` (one dataset per site) whose issueTime passes `keep`, stacked; keys are `<site>|<issueTime ms>`. */
export function rowsWhere(
  parts: readonly { site: string; dataset: Dataset }[],
  keep: (issueTime: number) => boolean,
): Rows {
  const first = parts[0]?.dataset;
  const cols = first?.featureNames.length ?? 0;
  const leads = first?.leadsMinutes.length ?? 0;
  const picked: { ds: Dataset; r: number; key: string }[] = [];
  for (const { site, dataset } of parts) {
    dataset.issueTimes.forEach((t, r) => {
      if (keep(t)) picked.push({ ds: dataset, r, key: `${site}|${t}` });
    });
  }
  const X = new Float32Array(picked.length * cols);
  const Y = new Float32Array(picked.length * leads);
  const persistence = new Float32Array(picked.length);
  // Every site's dataset comes from the same configuration: all have smart persistence, or none has.
  const smart = first?.smartPersistence ? new Float32Array(picked.length * leads) : undefined;
  picked.forEach(({ ds, r }, i) => {
    X.set(ds.X.subarray(r * cols, (r + 1) * cols), i * cols);
    Y.set(ds.Y.subarray(r * leads, (r + 1) * leads), i * leads);
    persistence[i] = ds.persistence[r] as number;
    if (smart) smart.set(smartOf(ds).subarray(r * leads, (r + 1) * leads), i * leads);
  });
  return {
    keys: picked.map((p) => p.key),
    X,
    Y,
    persistence,
    ...(smart ? { smartPersistence: smart } : {}),
    cols,
    leads,
  };
}

/** Column `c` of a row-major matrix with `width` columns. */
export function column(m: Float32Array, width: number, c: number): Float32Array {
  const rows = m.length / width;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = m[r * width + c] as number;
  return out;
}

/** The rows of `rows` whose keys are in `keys`, in that key order. */
export function rowsByKeys(rows: Rows, keys: readonly string[]): Rows {
  const index = new Map(rows.keys.map((k, i) => [k, i]));
  const X = new Float32Array(keys.length * rows.cols);
  const Y = new Float32Array(keys.length * rows.leads);
  const persistence = new Float32Array(keys.length);
  const smart = rows.smartPersistence ? new Float32Array(keys.length * rows.leads) : undefined;
  keys.forEach((k, i) => {
    const r = index.get(k);
    if (r === undefined) throw new Error(`row ${k} is not in the set`);
    X.set(rows.X.subarray(r * rows.cols, (r + 1) * rows.cols), i * rows.cols);
    Y.set(rows.Y.subarray(r * rows.leads, (r + 1) * rows.leads), i * rows.leads);
    persistence[i] = rows.persistence[r] as number;
    smart?.set((rows.smartPersistence as Float32Array).subarray(r * rows.leads, (r + 1) * rows.leads), i * rows.leads);
  });
  return {
    keys: [...keys],
    X,
    Y,
    persistence,
    ...(smart ? { smartPersistence: smart } : {}),
    cols: rows.cols,
    leads: rows.leads,
  };
}

function smartOf(ds: Dataset): Float32Array {
  if (!ds.smartPersistence)
    throw new Error('datasets of one configuration disagree: some have smart persistence and some do not');
  return ds.smartPersistence;
}
