import type { ForecastConfig } from '../config/ForecastConfig';
import type { ForecastInput } from '../forecast/Forecast';
import type { Observation } from '../sources/Observation';
import type { ObservationStore } from '../sources/ObservationStore';
import { minutesBetween } from '../time/slots';

/** The newest observation of every source that was available (availableAt <= issueTime) at issueTime. */
export async function gatherInputs(config: ForecastConfig, site: string, issueTime: Date, observations: ObservationStore): Promise<Map<string, Observation>> {
  const latest = new Map<string, Observation>();
  await Promise.all(
    config.sources.map(async (source) => {
      const found = await observations.latestAvailable(source, site, issueTime);
      if (found) latest.set(source.id, found);
    }),
  );
  return latest;
}

/** Describes each input for the forecast record: when it was observed, when it became available, how old it was. */
export function describeInputs(latest: ReadonlyMap<string, Observation>, issueTime: Date, usedSources: ReadonlySet<string>): ForecastInput[] {
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
