import type { WorldSourceId } from './WorldSource';

/** Every source observes on the ten-minute clock grid (:00, :10, ...). */
export const OBSERVATION_INTERVAL_MS = 10 * 60_000;

/** The weather model starts a run every hour, on the hour. */
export const NWP_RUN_INTERVAL_MS = 60 * 60_000;

/** How often a source's provider has a new record: a run every hour for `nwp`, an observation every 10 minutes else. */
export function recordIntervalMs(source: WorldSourceId): number {
  return source === 'nwp' ? NWP_RUN_INTERVAL_MS : OBSERVATION_INTERVAL_MS;
}
