/**
 * A model that learns a ratio: its raw output per lead is multiplied by an input column (at least `floor`) to give
 * the forecast. For a solar target the column is the clear-sky irradiance at the validTime, so the model learns the
 * clear-sky index and the graph turns it back into the target's unit: forecast = index × max(clear sky, floor).
 */
export interface OutputScale {
  /** One input column per lead, in lead order. */
  features: string[];
  /** The smallest divisor: keeps the index bounded at dawn and dusk (and training and the graph use the same). */
  floor: number;
}

/** The ratio a model with `scale` learns from a target value and its row's scale column. */
export function toScaledTarget(value: number, column: number, scale: OutputScale): number {
  return value / Math.max(column, scale.floor);
}
