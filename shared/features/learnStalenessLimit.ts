/** Options of the learned staleness limit. */
export interface StalenessOptions {
  /** Fewest live delays needed before the learned limit replaces the configured or default one. */
  minSamples: number;
  /** The limit is median delay + this many robust standard deviations (1.4826 · MAD) + the observation interval. */
  spread: number;
  /** Used when nothing is configured and too little was learned (minutes). */
  defaultMinutes: number;
  /** Bounds of a learned limit (minutes). */
  minMinutes: number;
  maxMinutes: number;
}

export const DEFAULT_STALENESS_OPTIONS: StalenessOptions = {
  minSamples: 12,
  spread: 4,
  defaultMinutes: 90,
  minMinutes: 15,
  maxMinutes: 360,
};

export interface StalenessLimit {
  minutes: number;
  basis: 'configured' | 'learned' | 'default';
  /** Live delays it was learned from. */
  samples: number;
}

/**
 * A source's staleness limit: the configured one, or learned from its own recent live records as a robust upper
 * bound of "how old the newest observation normally is": median delay plus a few robust deviations plus the gap
 * between observations. Median and MAD, not a high quantile, so a backlog delivered hours late after an outage does
 * not teach the system that hours-old data is fresh.
 */
export function learnStalenessLimit(
  live: readonly { observedAt: number; availableAt: number }[],
  configuredMinutes: number | undefined,
  options: StalenessOptions = DEFAULT_STALENESS_OPTIONS,
): StalenessLimit {
  if (configuredMinutes !== undefined) return { minutes: configuredMinutes, basis: 'configured', samples: 0 };
  const delays = live.map((r) => (r.availableAt - r.observedAt) / 60_000).filter((d) => Number.isFinite(d) && d >= 0);
  if (delays.length < options.minSamples)
    return { minutes: options.defaultMinutes, basis: 'default', samples: delays.length };
  const med = median(delays);
  const mad = median(delays.map((d) => Math.abs(d - med)));
  const times = [...new Set(live.map((r) => r.observedAt))].sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => (t - (times[i] as number)) / 60_000);
  const interval = gaps.length > 0 ? median(gaps) : 0;
  const minutes = Math.min(
    options.maxMinutes,
    Math.max(options.minMinutes, med + options.spread * 1.4826 * mad + interval),
  );
  return { minutes: Math.round(minutes * 10) / 10, basis: 'learned', samples: delays.length };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
