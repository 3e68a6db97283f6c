import { hash32 } from '../../shared/util/hash32';

/** Shortest delay between observation and publication, ms. */
export const MIN_PUBLISH_DELAY_MS = 20 * 60_000;
/** Longest delay between observation and publication, ms. */
export const MAX_PUBLISH_DELAY_MS = 40 * 60_000;
/** Shortest delay between a weather model run's start and its publication, ms. */
export const MIN_NWP_PUBLISH_DELAY_MS = 60 * 60_000;
/** Longest delay between a weather model run's start and its publication, ms. */
export const MAX_NWP_PUBLISH_DELAY_MS = 120 * 60_000;

/** The shortest and longest publication delay of a source's provider, ms. */
export function publishDelayRangeMs(source: string): { minMs: number; maxMs: number } {
  return source === 'nwp'
    ? { minMs: MIN_NWP_PUBLISH_DELAY_MS, maxMs: MAX_NWP_PUBLISH_DELAY_MS }
    : { minMs: MIN_PUBLISH_DELAY_MS, maxMs: MAX_PUBLISH_DELAY_MS };
}

/**
 * How long after `observedAt` a provider publishes an observation: 20-40 minutes (a weather model's run: 60-120
 * minutes after it started), fixed by the key and spread to the millisecond so two records rarely share a
 * publication time.
 */
export function publishDelayMs(seed: number, source: string, site: string, observedAt: Date): number {
  const { minMs, maxMs } = publishDelayRangeMs(source);
  return minMs + (hash32([seed, 'publish', source, site, observedAt.getTime()]) % (maxMs - minMs + 1));
}
