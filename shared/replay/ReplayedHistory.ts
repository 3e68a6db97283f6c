import type { ReplayObservation } from './ReplayObservation';
import type { ReplayStats } from './ReplayStats';

/** One source's history as read from its files, oldest first, with what reading it found. */
export interface ReplayedHistory {
  observations: ReplayObservation[];
  stats: ReplayStats;
}

/** What a reader needs to know of the source it reads. */
export interface ReplayedSource {
  id: string;
  /** The source's configured fields; only these are kept. */
  fields: readonly string[];
  /** When the source observes the forecast target: its field and the unit forecasts are in ('' = not stated). */
  target?: { field: string; unit: string };
}
