/**
 * The origin of the world's time axis (seconds are counted from here). Any fixed instant works; a recent one
 * keeps phases and displacements small, so floating-point error stays far below a metre.
 */
export const WORLD_EPOCH_MS = Date.UTC(2024, 0, 1);
