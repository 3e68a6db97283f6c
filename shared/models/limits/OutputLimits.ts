/**
 * The physical limits every forecast of a model is held to, inside its ONNX graph, so every runtime applies them.
 * Made from the target's configuration by `outputLimitsFor` (shared/features).
 */
export interface OutputLimits {
  /** No forecast below this (e.g. 0 for power or irradiance). */
  min?: number;
  /** No forecast above this (e.g. the park's capacity). */
  max?: number;
  /**
   * One input column per lead, in lead order, that is zero when the sun is below the horizon at that lead's validTime
   * (the clear-sky irradiance at validTime); where it is zero, the forecast is zero. Unset for targets that are not
   * solar.
   */
  daylightFeatures?: string[];
}

/** What the limits changed, counted over a set of forecasts (one per row and lead). */
export interface LimitCounts {
  /** Forecasts checked. */
  forecasts: number;
  /** Raised to `min`. */
  belowMin: number;
  /** Lowered to `max`. */
  aboveMax: number;
  /** Set to zero because the sun was below the horizon at the validTime (and the forecast was not zero). */
  night: number;
}

/** Whether the limits hold anything at all. */
export function hasOutputLimits(limits: OutputLimits | undefined): limits is OutputLimits {
  return (
    limits !== undefined &&
    (limits.min !== undefined || limits.max !== undefined || limits.daylightFeatures !== undefined)
  );
}
