import type { Dataset, InputAudit } from './Dataset';
import type { BuildDatasetOptions } from './buildDataset';
import { featureNames } from '../features/featureNames';
import { featureRow } from '../features/featureRow';
import { recentUsable } from '../features/historyFeatures';
import type { HistoryRecord } from '../features/HistoryRecord';
import type { LatestObservation } from '../features/LatestObservation';
import { smartPersistence } from '../solar/smartPersistence';
import { hash32 } from '../util/hash32';
import { TrainingDataError } from './TrainingDataError';

const MINUTE_MS = 60_000;

/** How synthetic outages age training rows. */
export interface OutageAgingOptions {
  /** Aged copies per issue slot, on average (0: none; 0.5: every other slot gets one). */
  copiesPerSlot: number;
  /** An outage starts between `minRatio` and `maxRatio` staleness limits before issueTime (log-uniform). */
  minRatio: number;
  maxRatio: number;
  /** After the first aged source (drawn uniformly), each other source of the row is aged too with this chance. */
  alsoAgedChance: number;
  /** Draws are hash32(seed, site, issueTime, ...): the same seed gives the same rows. */
  seed: number | string;
}

export const DEFAULT_OUTAGE_AGING: OutageAgingOptions = {
  copiesPerSlot: 0.5,
  minRatio: 0.5,
  maxRatio: 24,
  alsoAgedChance: 0.2,
  seed: 'outage-aging',
};

/**
 * Training rows as outages age them: for a seeded share of the issue slots, one or more sources' providers are taken
 * to have been down since `outageStart` before issueTime, so their input is the newest record usable at
 * outageStart (the same as-of rule: availableAt and observedAt <= outageStart < issueTime); the other sources and
 * the target keep the newest record usable at issueTime. Every row goes through featureRow with the real ages, so
 * the model sees `<source>.age_min` as outages make it. Persistence (and smart persistence) of each row is of the
 * target as that row saw it. Rows lacking an input or a target are left out. `site` only seeds the draws.
 */
export function agedDataset(
  opts: Omit<BuildDatasetOptions, 'stalenessLimitMinutes'> & {
    stalenessLimitMinutes: Readonly<Record<string, number>>;
    site: string;
    aging?: Partial<OutageAgingOptions>;
    /**
     * Every source outages are drawn over (the configuration's): the same slot and copy take the same sources down
     * for every source set, so the models' errors are measured on the same simulated outages. Default: the spec's
     * sources and the target's.
     */
    allSources?: readonly string[];
  },
): Dataset {
  const aging = { ...DEFAULT_OUTAGE_AGING, ...opts.aging };
  const { spec, target, history, cadenceMinutes } = opts;
  const names = featureNames(spec);
  if (!(Number.isInteger(cadenceMinutes) && cadenceMinutes > 0))
    throw new TrainingDataError('INVALID_OPTIONS', `cadenceMinutes ${cadenceMinutes} must be a positive whole number`);
  const agedSources = [...new Set([...(opts.allSources ?? []), ...spec.sources, target.source])];
  const index = new Map<string, AsOfIndex>();
  for (const s of new Set([...spec.sources, target.source])) {
    const h = history.get(s);
    if (!h) throw new TrainingDataError('MISSING_HISTORY', `no history given for source "${s}"`);
    index.set(s, new AsOfIndex(h));
  }
  // Each source's records by observedAt: the recent history a history input reads, as of the outage start.
  const byObserved = new Map(
    spec.sources.map((s) => [s, [...(history.get(s) ?? [])].sort((a, b) => a.observedAt - b.observedAt)]),
  );
  const targetAt = new Map<number, number>();
  for (const r of history.get(target.source) ?? []) {
    if (!targetAt.has(r.observedAt)) targetAt.set(r.observedAt, r.values[target.field] ?? Number.NaN);
  }
  const step = cadenceMinutes * MINUTE_MS;
  const first = Math.ceil(opts.from.getTime() / step) * step;
  const L = spec.leadsMinutes.length;
  const F = names.length;
  const X: number[] = [];
  const Y: number[] = [];
  const persistence: number[] = [];
  const smart: number[] = [];
  const issueTimes: number[] = [];
  const used = Object.fromEntries(
    spec.sources.map((s) => [s, { observedAt: [] as number[], availableAt: [] as number[] }]),
  );
  const persistenceUsed = { observedAt: [] as number[], availableAt: [] as number[] };
  const dropped: Record<string, number> = {};
  let slots = 0;
  const u = (...parts: (number | string)[]): number => hash32([aging.seed, opts.site, ...parts]) / 4294967296;

  for (let t = first; t <= opts.to.getTime(); t += step) {
    const copies = Math.floor(aging.copiesPerSlot) + (u(t, 'copies') < aging.copiesPerSlot % 1 ? 1 : 0);
    for (let c = 0; c < copies; c++) {
      slots++;
      // The sources whose provider is down: one drawn uniformly, each other one with alsoAgedChance.
      const firstAged = Math.min(agedSources.length - 1, Math.floor(u(t, c, 'first') * agedSources.length));
      const outageStart = new Map<string, number>();
      agedSources.forEach((s, i) => {
        if (i !== firstAged && u(t, c, 'also', s) >= aging.alsoAgedChance) return;
        const limit = opts.stalenessLimitMinutes[s] ?? 60;
        const lo = Math.log(aging.minRatio);
        const ratio = Math.exp(lo + u(t, c, 'ratio', s) * (Math.log(aging.maxRatio) - lo));
        outageStart.set(s, t - Math.round(ratio * limit) * MINUTE_MS);
      });
      const at = (s: string): HistoryRecord | undefined => index.get(s)?.at(outageStart.get(s) ?? t);
      const latest = new Map<string, LatestObservation>();
      let missing: string | undefined;
      for (const s of spec.sources) {
        const r = at(s);
        const sorted = spec.history?.[s] ? byObserved.get(s) : undefined;
        if (r) latest.set(s, sorted ? { ...r, recent: recentUsable(sorted, outageStart.get(s) ?? t) } : r);
        else missing ??= `missing-input:${s}`;
      }
      if (missing) {
        dropped[missing] = (dropped[missing] ?? 0) + 1;
        continue;
      }
      const row = featureRow(spec, new Date(t), latest);
      if (!Array.isArray(row)) {
        dropped[`missing-value:${row.missing[0] ?? '?'}`] =
          (dropped[`missing-value:${row.missing[0] ?? '?'}`] ?? 0) + 1;
        continue;
      }
      const ys = spec.leadsMinutes.map((lead) => targetAt.get(t + lead * MINUTE_MS) ?? Number.NaN);
      const lacking = ys.findIndex((y) => !Number.isFinite(y));
      if (lacking >= 0) {
        const key = `missing-target:+${spec.leadsMinutes[lacking]}`;
        dropped[key] = (dropped[key] ?? 0) + 1;
        continue;
      }
      issueTimes.push(t);
      X.push(...row);
      Y.push(...ys);
      for (const s of spec.sources) {
        const r = latest.get(s) as HistoryRecord;
        used[s]?.observedAt.push(r.observedAt);
        used[s]?.availableAt.push(r.availableAt);
      }
      const p = at(target.source);
      const value = p?.values[target.field] ?? Number.NaN;
      persistence.push(value);
      persistenceUsed.observedAt.push(p?.observedAt ?? Number.NaN);
      persistenceUsed.availableAt.push(p?.availableAt ?? Number.NaN);
      if (target.solar === true)
        for (const lead of spec.leadsMinutes)
          smart.push(
            p ? smartPersistence({ value, observedAt: p.observedAt }, spec, t + lead * MINUTE_MS) : Number.NaN,
          );
    }
  }
  const audit = (a: { observedAt: number[]; availableAt: number[] }): InputAudit => ({
    observedAt: Float64Array.from(a.observedAt),
    availableAt: Float64Array.from(a.availableAt),
  });
  if (X.length !== issueTimes.length * F || Y.length !== issueTimes.length * L)
    throw new TrainingDataError('INVALID_OPTIONS', 'aged rows of unequal length');
  return {
    featureNames: names,
    target: { source: target.source, field: target.field },
    leadsMinutes: [...spec.leadsMinutes],
    issueTimes,
    X: Float32Array.from(X),
    Y: Float32Array.from(Y),
    persistence: Float32Array.from(persistence),
    ...(target.solar === true ? { smartPersistence: Float32Array.from(smart) } : {}),
    used: Object.fromEntries(Object.entries(used).map(([s, a]) => [s, audit(a)])),
    persistenceUsed: audit(persistenceUsed),
    dropped,
    slots,
  };
}

/** The newest record (by observedAt) usable at a time (availableAt and observedAt <= it), in O(log n). */
class AsOfIndex {
  private readonly usableAt: number[];
  private readonly best: HistoryRecord[];

  constructor(records: readonly HistoryRecord[]) {
    const sorted = records
      .filter((r) => Number.isFinite(r.observedAt) && Number.isFinite(r.availableAt))
      .sort((a, b) => usable(a) - usable(b));
    this.usableAt = sorted.map(usable);
    this.best = [];
    let best: HistoryRecord | undefined;
    for (const r of sorted) {
      if (!best || r.observedAt > best.observedAt) best = r;
      this.best.push(best);
    }
  }

  at(t: number): HistoryRecord | undefined {
    let lo = 0;
    let hi = this.usableAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.usableAt[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.best[lo - 1];
  }
}

function usable(r: HistoryRecord): number {
  return Math.max(r.availableAt, r.observedAt);
}
