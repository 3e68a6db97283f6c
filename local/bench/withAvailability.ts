import type { HistoryRecord } from '../../shared/features/HistoryRecord';
import { ObservationFeed } from '../providers/ObservationFeed';
import { type OutageWindow, outageBehaviour } from '../providers/outageBehaviour';
import { RELIABLE_BEHAVIOUR } from '../providers/ProviderBehaviour';
import type { World } from '../world/World';
import type { SimulatedObservation } from './simulateSources';
import { worldSource } from './simulateSources';

/** How ingestion turns a provider's publishedAt into the system's availableAt. */
export interface IngestTiming {
  /** Minutes between two runs of ingest-<source> (the local stack's timers run every 5 virtual minutes). */
  intervalMinutes: number;
  /** From the start of an ingest run to the record being stored, ms. */
  lagMs: number;
  /** Extra for an image: fetching the picture and the preprocess-image trigger storing its features, ms. */
  imageLagMs: number;
}

export const DEFAULT_INGEST_TIMING: IngestTiming = {
  intervalMinutes: 5,
  lagMs: 2_000,
  imageLagMs: 6_000,
};

/**
 * The history the system would have stored of one source: each observation published when its provider publishes
 * it (the world's schedule, or after an outage window through the same outageBehaviour the simulated providers
 * run), and available at the first ingest run at or after that which the provider answers, plus the ingest lag.
 */
export function withAvailability(
  world: World,
  site: string,
  source: string,
  observations: readonly SimulatedObservation[],
  outages: readonly OutageWindow[] = [],
  timing: IngestTiming = DEFAULT_INGEST_TIMING,
  isImage = false,
): HistoryRecord[] {
  const behaviour = outages.length === 0 ? RELIABLE_BEHAVIOUR : outageBehaviour(outages);
  // Retention does not matter for publishedAt; the feed applies the behaviour exactly as a running provider does.
  const feed = new ObservationFeed(world, worldSource(source), behaviour, 3650);
  const step = timing.intervalMinutes * 60_000;
  const spans = outages.map((w) => ({ from: w.from.getTime(), to: w.to.getTime() }));
  const lag = timing.lagMs + (isImage ? timing.imageLagMs : 0);
  const records: HistoryRecord[] = [];
  for (const o of observations) {
    const published = feed.publishedAt(site, new Date(o.observedAt));
    if (published === null) continue;
    let run = Math.ceil(published.getTime() / step) * step;
    // The provider answers 503 to every run inside an outage: the first run after it picks the record up.
    for (
      let w = spans.find((s) => run >= s.from && run < s.to);
      w;
      w = spans.find((s) => run >= s.from && run < s.to)
    ) {
      run = Math.ceil(w.to / step) * step;
    }
    records.push({ observedAt: o.observedAt, availableAt: run + lag, values: o.values });
  }
  return records;
}
