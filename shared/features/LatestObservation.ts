import type { RecentObservation } from './historyFeatures';

/** The newest observation of a source available at issueTime, as featureRow reads it (observedAt in epoch ms). */
export interface LatestObservation {
  observedAt: number;
  values: Record<string, number>;
  /**
   * The source's observations available at issueTime within the last day (any order, the newest may be among them):
   * needed when the spec gives the source history inputs. Anything not available at issueTime is ignored.
   */
  recent?: readonly RecentObservation[];
}
