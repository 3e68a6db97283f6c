import type { ForecastConfig } from '../config/ForecastConfig';
import { type ListedObservation, observationContainer, type ObservationStore } from '../sources/ObservationStore';
import type { BlobStore } from '../storage/BlobStore';
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
  blobs: BlobStore;
  observations: ObservationStore;
}

const DAY_MS = 86_400_000;
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
  const container = observationContainer(source);
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const nowIso = now.toISOString();
  const listed: ListedObservation[] = [];
  for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= to.getTime(); day += DAY_MS) {
    for await (const item of deps.blobs.list(container, `${source.id}/${site}/${new Date(day).toISOString().slice(0, 10)}/`)) {
      const observedAt = item.metadata['observedat'];
      const availableAt = item.metadata['availableat'];
      if (!observedAt || !availableAt || observedAt < fromIso || observedAt > toIso || availableAt > nowIso) continue;
      listed.push({ container, name: item.name, observedAt, availableAt, publishedAt: item.metadata['publishedat'], values: item.metadata['values'] });
    }
  }
  const read = await mapLimit(listed, READ_CONCURRENCY, (l) => deps.observations.read(source, site, l));
  const actuals: Actual[] = [];
  read.forEach((o, i) => {
    const value = o?.values[target.field];
    const l = listed[i];
    if (l && typeof value === 'number' && Number.isFinite(value)) actuals.push({ observedAt: l.observedAt, availableAt: l.availableAt, value });
  });
  return actuals.sort((a, b) => a.observedAt.localeCompare(b.observedAt));
}
