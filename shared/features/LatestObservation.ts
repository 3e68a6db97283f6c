/** The newest observation of a source available at issueTime, as featureRow reads it (observedAt in epoch ms). */
export interface LatestObservation {
  observedAt: number;
  values: Record<string, number>;
}
