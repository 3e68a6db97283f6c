import { roundSignificant } from '../util/significant';
import type { ServedSlot } from './serveSlots';

/** How the served quantiles of one lead held up over a scenario's slots. */
export interface IntervalMetrics {
  leadMinutes: number;
  /** Served slots whose forecast carried quantiles and whose actual was observed. */
  n: number;
  /** Share of them whose actual lies within [p10, p90] (0.8 is calibrated); NaN when n is 0. */
  coverage: number;
  /** Solar targets: of those, the slots whose validTime had the sun up. */
  nSunUp?: number;
  /** Solar targets: the coverage over those (nights are covered trivially: zero forecast, zero actual). */
  coverageSunUp?: number;
  /** Mean pinball loss over the 10, 50 and 90 % quantiles and the n slots, in the target's unit; NaN when n is 0. */
  pinball: number;
}

const MINUTE_MS = 60_000;
const LEVELS = [0.1, 0.5, 0.9] as const;

/**
 * Scores the quantiles of what was served: per lead, the 10-90 % coverage (overall and with the sun up at the
 * validTime, when `sunUp` is given: solar targets) and the mean pinball loss, against the target observed at the
 * validTime. Slots without quantiles
 * (a model without intervals, such as persistence) and validTimes without an observation are left out.
 */
export function scoreIntervals(
  slots: readonly ServedSlot[],
  leadsMinutes: readonly number[],
  truth: ReadonlyMap<number, number>,
  sunUp?: (validTime: number) => boolean,
): IntervalMetrics[] {
  return leadsMinutes.map((leadMinutes, l) => {
    let n = 0;
    let covered = 0;
    let nSunUp = 0;
    let coveredSunUp = 0;
    let loss = 0;
    for (const s of slots) {
      const q = s.quantiles?.[l];
      const validTime = s.issueTime + leadMinutes * MINUTE_MS;
      const y = truth.get(validTime);
      if (!q || y === undefined || !Number.isFinite(y)) continue;
      const inside = q.p10 <= y && y <= q.p90 ? 1 : 0;
      n++;
      covered += inside;
      if (sunUp?.(validTime)) {
        nSunUp++;
        coveredSunUp += inside;
      }
      loss += (pinball(y, q.p10, LEVELS[0]) + pinball(y, q.p50, LEVELS[1]) + pinball(y, q.p90, LEVELS[2])) / 3;
    }
    return {
      leadMinutes,
      n,
      coverage: share(covered, n),
      ...(sunUp ? { nSunUp, coverageSunUp: share(coveredSunUp, nSunUp) } : {}),
      pinball: n === 0 ? Number.NaN : roundSignificant(loss / n, 6),
    };
  });
}

/** The pinball (quantile) loss of predicting `p` for quantile level `q` when `y` was observed. */
export function pinball(y: number, p: number, q: number): number {
  const d = y - p;
  return d >= 0 ? q * d : (q - 1) * d;
}

function share(k: number, n: number): number {
  return n === 0 ? Number.NaN : round(k / n);
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
