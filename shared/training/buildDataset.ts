import type { Dataset, InputAudit } from './Dataset';
import type { FeatureSpec } from '../features/FeatureSpec';
import { featureNames } from '../features/featureNames';
import { featureRow } from '../features/featureRow';
import type { HistoryRecord } from '../features/HistoryRecord';
import type { LatestObservation } from '../features/LatestObservation';
import { recentUsable } from '../features/historyFeatures';
import { smartPersistence } from '../solar/smartPersistence';
import { TrainingDataError } from './TrainingDataError';

const MINUTE_MS = 60_000;

export interface BuildDatasetOptions {
  /** The model's inputs. */
  spec: FeatureSpec;
  /**
   * What Y holds; its source's history is also where persistence comes from. A solar target also gets smart
   * persistence per row and lead (the clear-sky index of the same newest value, at the spec's site).
   */
  target: { source: string; field: string; solar?: boolean | undefined };
  /** Per source (every spec source and the target source), the records of one site, any order. */
  history: ReadonlyMap<string, readonly HistoryRecord[]>;
  /** First and last issueTime considered (inclusive); issue slots are multiples of cadenceMinutes since the epoch. */
  from: Date;
  to: Date;
  /** Minutes between issue slots. */
  cadenceMinutes: number;
  /**
   * Per source, the staleness limit (minutes): an input older than this at issueTime drops the row as
   * `stale-input:<source>`, so a model trains only on slots where live prediction would have chosen it. Optional;
   * sources without a limit are used however old.
   */
  stalenessLimitMinutes?: Readonly<Record<string, number>>;
}

/**
 * An as-of join on availableAt: as issueTime advances, records become usable in order of max(availableAt,
 * observedAt), and among the usable ones the newest by observedAt is the input (a late record can become
 * available after a newer one, so it is a running maximum, not the last one in). Linear in records + slots.
 */
class AsOfSweep {
  private readonly byUsableAt: HistoryRecord[];
  private next = 0;
  best: HistoryRecord | undefined;

  constructor(records: readonly HistoryRecord[]) {
    // observedAt too: live prediction never uses an observation stamped after issueTime (provider clock skew).
    this.byUsableAt = records
      .filter((r) => Number.isFinite(r.observedAt) && Number.isFinite(r.availableAt))
      .sort((a, b) => usableAt(a) - usableAt(b));
  }

  advanceTo(issueTime: number): void {
    while (this.next < this.byUsableAt.length) {
      const r = this.byUsableAt[this.next] as HistoryRecord;
      if (usableAt(r) > issueTime) break;
      if (!this.best || r.observedAt > this.best.observedAt) this.best = r;
      this.next++;
    }
  }
}

function usableAt(r: HistoryRecord): number {
  return Math.max(r.availableAt, r.observedAt);
}

/**
 * Builds the training examples of one site: for every issue slot in [from, to], each source's newest record
 * available at issueTime (with, for history inputs, the records usable then) goes through featureRow (the function
 * live prediction uses), and the targets are the
 * target field observed exactly at each validTime. Rows lacking an input or a target are dropped and counted.
 */
export function buildDataset(opts: BuildDatasetOptions): Dataset {
  const { spec, target, history, cadenceMinutes } = opts;
  const names = featureNames(spec);
  if (!(Number.isInteger(cadenceMinutes) && cadenceMinutes > 0))
    throw new TrainingDataError('INVALID_OPTIONS', `cadenceMinutes ${cadenceMinutes} must be a positive whole number`);
  const fromMs = opts.from.getTime();
  const toMs = opts.to.getTime();
  if (!(fromMs <= toMs))
    throw new TrainingDataError(
      'INVALID_OPTIONS',
      `from ${opts.from.toISOString()} is after to ${opts.to.toISOString()}`,
    );
  const historyOf = (source: string): readonly HistoryRecord[] => {
    const h = history.get(source);
    if (!h)
      throw new TrainingDataError(
        'MISSING_HISTORY',
        `no history given for source "${source}"; got ${[...history.keys()].map((k) => `"${k}"`).join(', ') || 'none'}`,
      );
    return h;
  };

  const sweeps = new Map<string, AsOfSweep>();
  for (const source of [...spec.sources, target.source]) {
    if (!sweeps.has(source)) sweeps.set(source, new AsOfSweep(historyOf(source)));
  }
  const targetSweep = sweeps.get(target.source) as AsOfSweep;
  // Sources with history inputs: their records by observedAt, for the ones usable at each issueTime.
  const byObserved = new Map(
    Object.keys(spec.history ?? {}).map((source) => [
      source,
      historyOf(source)
        .filter((r) => Number.isFinite(r.observedAt) && Number.isFinite(r.availableAt))
        .sort((a, b) => a.observedAt - b.observedAt),
    ]),
  );
  const targetAt = new Map<number, number>();
  for (const r of historyOf(target.source)) {
    if (!targetAt.has(r.observedAt)) targetAt.set(r.observedAt, r.values[target.field] ?? Number.NaN);
  }

  const step = cadenceMinutes * MINUTE_MS;
  const first = Math.ceil(fromMs / step) * step;
  const slots = first > toMs ? 0 : Math.floor((toMs - first) / step) + 1;
  const F = names.length;
  const L = spec.leadsMinutes.length;
  const X = new Float32Array(slots * F);
  const Y = new Float32Array(slots * L);
  const persistence = new Float32Array(slots);
  const smart = target.solar === true ? new Float32Array(slots * L) : undefined;
  const used = Object.fromEntries(spec.sources.map((s) => [s, audit(slots)]));
  const persistenceUsed = audit(slots);
  const issueTimes: number[] = [];
  const dropped: Record<string, number> = {};
  const drop = (reason: string): void => {
    dropped[reason] = (dropped[reason] ?? 0) + 1;
  };
  const targets = new Array<number>(L);

  for (let k = 0; k < slots; k++) {
    const t = first + k * step;
    for (const sweep of sweeps.values()) sweep.advanceTo(t);

    const latest = new Map<string, LatestObservation>();
    const inputs: HistoryRecord[] = [];
    let unusable: string | undefined;
    for (const source of spec.sources) {
      const best = sweeps.get(source)?.best;
      const limit = opts.stalenessLimitMinutes?.[source];
      if (!best) unusable ??= `missing-input:${source}`;
      else if (limit !== undefined && t - best.observedAt > limit * MINUTE_MS) unusable ??= `stale-input:${source}`;
      else {
        const sorted = byObserved.get(source);
        latest.set(source, sorted ? { ...best, recent: recentUsable(sorted, t) } : best);
        inputs.push(best);
      }
    }
    if (unusable !== undefined) {
      drop(unusable);
      continue;
    }
    const row = featureRow(spec, new Date(t), latest);
    if (!Array.isArray(row)) {
      drop(`missing-value:${row.missing[0] ?? '?'}`);
      continue;
    }
    let missingTarget: number | undefined;
    for (let l = 0; l < L; l++) {
      const lead = spec.leadsMinutes[l] as number;
      const y = targetAt.get(t + lead * MINUTE_MS);
      if (y === undefined || !Number.isFinite(y)) {
        missingTarget = lead;
        break;
      }
      targets[l] = y;
    }
    if (missingTarget !== undefined) {
      drop(`missing-target:+${missingTarget}`);
      continue;
    }

    const r = issueTimes.length;
    issueTimes.push(t);
    X.set(row, r * F);
    for (let l = 0; l < L; l++) Y[r * L + l] = targets[l] as number;
    spec.sources.forEach((source, i) => {
      const input = inputs[i] as HistoryRecord;
      const a = used[source] as InputAudit;
      a.observedAt[r] = input.observedAt;
      a.availableAt[r] = input.availableAt;
    });
    const p = targetSweep.best;
    persistence[r] = p?.values[target.field] ?? Number.NaN;
    persistenceUsed.observedAt[r] = p?.observedAt ?? Number.NaN;
    persistenceUsed.availableAt[r] = p?.availableAt ?? Number.NaN;
    for (let l = 0; l < L && smart; l++) {
      const validTime = t + (spec.leadsMinutes[l] as number) * MINUTE_MS;
      smart[r * L + l] = p
        ? smartPersistence({ value: p.values[target.field] ?? Number.NaN, observedAt: p.observedAt }, spec, validTime)
        : Number.NaN;
    }
  }

  const rows = issueTimes.length;
  const trim = (a: InputAudit): InputAudit => ({
    observedAt: a.observedAt.slice(0, rows),
    availableAt: a.availableAt.slice(0, rows),
  });
  return {
    featureNames: names,
    target: { source: target.source, field: target.field },
    leadsMinutes: [...spec.leadsMinutes],
    issueTimes,
    X: X.slice(0, rows * F),
    Y: Y.slice(0, rows * L),
    persistence: persistence.slice(0, rows),
    ...(smart ? { smartPersistence: smart.slice(0, rows * L) } : {}),
    used: Object.fromEntries(Object.entries(used).map(([s, a]) => [s, trim(a)])),
    persistenceUsed: trim(persistenceUsed),
    dropped,
    slots,
  };
}

function audit(n: number): InputAudit {
  return { observedAt: new Float64Array(n), availableAt: new Float64Array(n) };
}
