import type { ForecastConfig } from '../config/ForecastConfig';
import type { ObservationStore } from '../sources/ObservationStore';
import { mapLimit } from '../util/mapLimit';

/** One observed value of the forecast target. */
export interface Actual {
  observedAt: string;
  availableAt: string;
  value: number;
}

/** What {@link readActuals} reads from. */
export interface ActualsDeps {
  config: ForecastConfig;
  observations: ObservationStore;
}

/** Downloads in flight for observations whose listing does not carry their values. */
const READ_CONCURRENCY = 8;

/**
 * The target's values observed at a site in `from`..`to` (inclusive), oldest first: what the forecasts are judged
 * against. Only what had become available by `now` counts, as everywhere else. The blob listing's metadata carries
 * the values, so a week of observations is a few listing pages and no downloads; a blob without them is read.
 */
export async function readActuals(deps: ActualsDeps, site: string, from: Date, to: Date, now: Date): Promise<Actual[]> {
  const { target } = deps.config;
  const source = deps.config.sources.find((s) => s.id === target.source);
  if (!source) return [];
  const listed = await deps.observations.availableIn(source, site, from, to, now);
  const read = await mapLimit(listed, READ_CONCURRENCY, (l) => deps.observations.read(source, site, l));
  const actuals: Actual[] = [];
  read.forEach((o, i) => {
    const value = o?.values[target.field];
    const l = listed[i];
    if (l && typeof value === 'number' && Number.isFinite(value))
      actuals.push({ observedAt: l.observedAt, availableAt: l.availableAt, value });
  });
  return actuals;
}
