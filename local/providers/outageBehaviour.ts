import { hash32 } from '../../shared/util/hash32';
import { type ProviderBehaviour, RELIABLE_BEHAVIOUR } from './ProviderBehaviour';

/** A time span during which a provider is down: from inclusive, to exclusive (the provider's clock). */
export interface OutageWindow {
  from: Date;
  to: Date;
}

/** Options of outageBehaviour. */
export interface OutageBehaviourOptions {
  /** Largest delay added to each backlog item after the window ends, so the backlog is not one timestamp (ms). */
  maxBacklogJitterMs: number;
}

export const DEFAULT_OUTAGE_BEHAVIOUR_OPTIONS: OutageBehaviourOptions = {
  maxBacklogJitterMs: 90_000,
};

/**
 * A provider that is down during `windows`: every request gets 503 with `{ error, code }` and `Retry-After` (the
 * seconds until the window ends), and an observation whose scheduled publication falls inside a window is
 * published only when the provider comes back (window end plus a small per-observation jitter), so the backlog
 * arrives late after recovery, as real providers deliver it. Nothing is lost. Pure: every hook depends only on its
 * arguments and the windows.
 */
export function outageBehaviour(
  windows: readonly OutageWindow[],
  options: Partial<OutageBehaviourOptions> = {},
): ProviderBehaviour {
  const o = { ...DEFAULT_OUTAGE_BEHAVIOUR_OPTIONS, ...options };
  if (!(Number.isInteger(o.maxBacklogJitterMs) && o.maxBacklogJitterMs >= 0)) {
    throw new RangeError(`maxBacklogJitterMs must be a non-negative integer, got ${o.maxBacklogJitterMs}`);
  }
  const spans = windows.map((w, i) => {
    const from = w.from.getTime();
    const to = w.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to))
      throw new RangeError(`outage window ${i}: from and to must be valid times`);
    if (!(to > from))
      throw new RangeError(`outage window ${i}: to ${w.to.toISOString()} must be after from ${w.from.toISOString()}`);
    return { from, to };
  });
  const windowAt = (ms: number): { from: number; to: number } | undefined =>
    spans.find((s) => ms >= s.from && ms < s.to);
  // The scheduled time differs per source, so providers sharing windows still spread their backlogs differently.
  const jitterOf = (site: string, observedAt: Date, scheduled: Date): number =>
    o.maxBacklogJitterMs === 0
      ? 0
      : hash32(['outage', site, observedAt.getTime(), scheduled.getTime()]) % (o.maxBacklogJitterMs + 1);
  return {
    maxExtraDelayMs: longestDelay(spans, o.maxBacklogJitterMs),
    intercept: ({ source, now }) => {
      const w = windowAt(now.getTime());
      if (!w) return undefined;
      const until = new Date(w.to).toISOString();
      return {
        status: 503,
        body: { error: `provider "${source}" is down (simulated outage until ${until})`, code: 'UNAVAILABLE' },
        headers: { 'retry-after': String(Math.max(1, Math.ceil((w.to - now.getTime()) / 1000))) },
      };
    },
    publishedAt: (site, observedAt, scheduled) => {
      let w = windowAt(scheduled.getTime());
      if (!w) return scheduled;
      const jitter = jitterOf(site, observedAt, scheduled);
      let at = w.to + jitter;
      // A backlog released into the next outage waits for that one to end too.
      while ((w = windowAt(at)) !== undefined) at = w.to + jitter;
      return new Date(at);
    },
    wireItems: RELIABLE_BEHAVIOUR.wireItems,
    imageBytes: RELIABLE_BEHAVIOUR.imageBytes,
  };
}

/**
 * The most a publication can be delayed: windows closer than the jitter chain into one cluster (a backlog released
 * into the next window waits for it), and an observation scheduled at a cluster's start waits for its end plus the
 * jitter.
 */
function longestDelay(spans: readonly { from: number; to: number }[], maxJitterMs: number): number {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  let longest = 0;
  let cluster: { from: number; to: number } | undefined;
  for (const s of sorted) {
    if (cluster && s.from <= cluster.to + maxJitterMs) cluster.to = Math.max(cluster.to, s.to);
    else cluster = { ...s };
    longest = Math.max(longest, cluster.to - cluster.from + maxJitterMs);
  }
  return longest;
}
