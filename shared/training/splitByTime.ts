import type { Dataset, InputAudit } from './Dataset';
import { TrainingDataError } from './TrainingDataError';

const MINUTE_MS = 60_000;

export interface SplitOptions {
  /**
   * Drop the training rows whose targets (validTime = issueTime + longest lead) reach past the first held-out
   * issueTime: their labels are values the held-out rows forecast, so keeping them would leak the future.
   */
  purge: boolean;
}

export const DEFAULT_SPLIT_OPTIONS: Readonly<SplitOptions> = {
  purge: true,
};

/**
 * Splits a dataset by time, never shuffling: the last `heldOutFraction` of rows (at least one when there are rows)
 * is held out, and everything used for training comes before it, as it would in operation.
 */
export function splitByTime(dataset: Dataset, heldOutFraction: number, options: Partial<SplitOptions> = {}): { training: Dataset; heldOut: Dataset } {
  const { purge } = { ...DEFAULT_SPLIT_OPTIONS, ...options };
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new TrainingDataError('INVALID_OPTIONS', `heldOutFraction ${heldOutFraction} must lie strictly between 0 and 1`);
  }
  const rows = dataset.issueTimes.length;
  const cut = rows - Math.min(rows, Math.ceil(rows * heldOutFraction));
  let trainEnd = cut;
  const firstHeldOut = dataset.issueTimes[cut];
  if (purge && firstHeldOut !== undefined) {
    const horizon = Math.max(0, ...dataset.leadsMinutes) * MINUTE_MS;
    while (trainEnd > 0 && (dataset.issueTimes[trainEnd - 1] as number) + horizon > firstHeldOut) trainEnd--;
  }
  return { training: sliceRows(dataset, 0, trainEnd), heldOut: sliceRows(dataset, cut, rows) };
}

/** Rows [start, end) as a dataset of their own; `dropped` and `slots` stay those of the whole build. */
function sliceRows(d: Dataset, start: number, end: number): Dataset {
  const F = d.featureNames.length;
  const L = d.leadsMinutes.length;
  const audit = (a: InputAudit): InputAudit => ({ observedAt: a.observedAt.slice(start, end), availableAt: a.availableAt.slice(start, end) });
  return {
    featureNames: [...d.featureNames],
    target: { ...d.target },
    leadsMinutes: [...d.leadsMinutes],
    issueTimes: d.issueTimes.slice(start, end),
    X: d.X.slice(start * F, end * F),
    Y: d.Y.slice(start * L, end * L),
    persistence: d.persistence.slice(start, end),
    used: Object.fromEntries(Object.entries(d.used).map(([s, a]) => [s, audit(a)])),
    persistenceUsed: audit(d.persistenceUsed),
    dropped: { ...d.dropped },
    slots: d.slots,
  };
}
