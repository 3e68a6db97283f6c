import type { ForecastConfig } from '../config/ForecastConfig';
import type { ForecastInput, MissingInput } from '../forecast/Forecast';
import type { Observation } from '../sources/Observation';
import type { ObservationStore } from '../sources/ObservationStore';
import { minutesBetween } from '../time/slots';

export interface GatheredInputs {
  /** The newest observation per source available at issueTime. */
  latest: Map<string, Observation>;
  missing: MissingInput[];
}

/** The newest observation of every source that was available (availableAt <= issueTime) at issueTime. */
export async function gatherInputs(config: ForecastConfig, site: string, issueTime: Date, observations: ObservationStore): Promise<GatheredInputs> {
  const latest = new Map<string, Observation>();
  const missing: MissingInput[] = [];
  await Promise.all(
    config.sources.map(async (source) => {
      const found = await observations.latestAvailable(source, site, issueTime);
      if (found) latest.set(source.id, found);
      else missing.push({ source: source.id, reason: 'no observation available at issueTime' });
    }),
  );
  missing.sort((a, b) => a.source.localeCompare(b.source));
  return { latest, missing };
}

/** Describes each input for the forecast record: when it was observed, when it became available, how old it was. */
export function describeInputs(latest: Map<string, Observation>, issueTime: Date, usedSources: ReadonlySet<string>): ForecastInput[] {
  return [...latest.values()]
    .map((o) => ({
      source: o.source,
      observedAt: o.observedAt,
      availableAt: o.availableAt,
      ageMinutes: Math.round(minutesBetween(new Date(o.observedAt), issueTime) * 100) / 100,
      used: usedSources.has(o.source),
    }))
    .sort((a, b) => a.source.localeCompare(b.source));
}
