/** One observation read from history (no availability yet: the delay model decides it). Times are epoch ms. */
export interface ReplayObservation {
  observedAt: number;
  /** Values by field name, already in the fields' units. */
  values: Record<string, number>;
}
