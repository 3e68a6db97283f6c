import type { ForecastIntervals } from '../registry/ForecastIntervals';

/** Options of conformalIntervals. */
export interface ConformalOptions {
  /** Quantile levels, ascending. */
  quantiles: readonly number[];
  /** A band with fewer residuals takes its lead's quantiles over every band (a few dozen rows make a noisy tail). */
  minBandRows: number;
}

export const DEFAULT_CONFORMAL_OPTIONS: ConformalOptions = {
  quantiles: [0.1, 0.5, 0.9],
  minBandRows: 30,
};

/** One lead's held-out residuals (actual - forecast) and the elevation band of each one's validTime. */
export interface LeadResiduals {
  residuals: ArrayLike<number>;
  bands: ArrayLike<number>;
}

/** Guards ceil and floor against (n + 1) q landing a rounding error off an integer (101 * 0.1 and the like). */
const EPSILON = 1e-9;

/**
 * The 1-based rank of the order statistic split-conformal prediction takes at level q among n residuals: for
 * q >= 0.5 the ceil((n + 1) q)-th smallest (at most n), so a new exchangeable residual lies at or below it with
 * probability >= q; for q < 0.5 the mirror, the floor((n + 1) q)-th (at least 1), so it lies below it with
 * probability <= q. Both ends conservative: the 10-90 % interval holds at least 80 % (given n >= 9).
 */
export function conformalRank(n: number, q: number): number {
  const x = (n + 1) * q;
  const rank = q >= 0.5 ? Math.ceil(x - EPSILON) : Math.floor(x + EPSILON);
  return Math.min(n, Math.max(1, rank));
}

/** The conformal quantile of ascending `sorted` at level q (NaN when empty). */
export function conformalQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[conformalRank(sorted.length, q) - 1] as number;
}

/**
 * Split-conformal intervals from held-out residuals: per lead and elevation band (`edges`, see elevationBand), the
 * conformal quantiles of the band's residuals, or of the lead's residuals of every band when the band has fewer than
 * `minBandRows`. Non-finite residuals are left out. Undefined when some lead has no residual at all.
 */
export function conformalIntervals(
  perLead: readonly LeadResiduals[],
  edges: readonly number[],
  options: ConformalOptions = DEFAULT_CONFORMAL_OPTIONS,
): ForecastIntervals | undefined {
  const bandCount = edges.length + 1;
  const offsets: number[][][] = [];
  const n: number[][] = [];
  for (const { residuals, bands } of perLead) {
    const all: number[] = [];
    const byBand: number[][] = Array.from({ length: bandCount }, () => []);
    for (let i = 0; i < residuals.length; i++) {
      const r = residuals[i] as number;
      if (!Number.isFinite(r)) continue;
      const b = bands[i] as number;
      if (!(b >= 0 && b < bandCount)) throw new RangeError(`band ${b} of residual ${i} is outside 0..${bandCount - 1}`);
      all.push(r);
      byBand[b]?.push(r);
    }
    if (all.length === 0) return undefined;
    const ascending = (a: number, b: number): number => a - b;
    const quantilesOf = (sorted: number[]): number[] =>
      options.quantiles.map((q) => round(conformalQuantile(sorted, q)));
    const pooled = quantilesOf(all.sort(ascending));
    offsets.push(byBand.map((b) => (b.length >= options.minBandRows ? quantilesOf(b.sort(ascending)) : pooled)));
    n.push(byBand.map((b) => b.length));
  }
  return { quantiles: [...options.quantiles], bands: [...edges], offsets, n, minBandRows: options.minBandRows };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
