/** Every source observes on the ten-minute clock grid (:00, :10, ...). */
export const OBSERVATION_INTERVAL_MS = 10 * 60_000;
