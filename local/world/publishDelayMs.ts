import { hash32 } from '../../shared/util/hash32';

/** Shortest delay between observation and publication, ms. */
export const MIN_PUBLISH_DELAY_MS = 20 * 60_000;
/** Longest delay between observation and publication, ms. */
export const MAX_PUBLISH_DELAY_MS = 40 * 60_000;

/**
 * How long after `observedAt` a provider publishes an observation: 20-40 minutes, fixed by the key and spread to
 * the millisecond so two observations rarely share a publication time.
 */
export function publishDelayMs(seed: number, source: string, site: string, observedAt: Date): number {
  const span = MAX_PUBLISH_DELAY_MS - MIN_PUBLISH_DELAY_MS;
  return MIN_PUBLISH_DELAY_MS + (hash32([seed, 'publish', source, site, observedAt.getTime()]) % (span + 1));
}
