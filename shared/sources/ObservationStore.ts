import type { SourceConfig } from '../config/ForecastConfig';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Observation } from './Observation';

/** Where a stored observation's blob lives: one per (source, site, observedAt), partitioned by UTC day. */
export function observationBlobName(source: string, site: string, observedAt: string, extension = 'json'): string {
  return `${source}/${site}/${observedAt.slice(0, 10)}/${observedAt}.${extension}`;
}

/** Blob metadata written with every observation, so listings can filter on availability without downloads. */
export function observationMetadata(o: Pick<Observation, 'source' | 'site' | 'observedAt' | 'availableAt' | 'publishedAt'> & { values?: Record<string, number> }): Record<string, string> {
  const meta: Record<string, string> = { source: o.source, site: o.site, observedat: o.observedAt, availableat: o.availableAt };
  if (o.publishedAt) meta['publishedat'] = o.publishedAt;
  // The values too (a few hundred bytes of ASCII JSON): a listing then reads history without a download per blob.
  if (o.values) meta['values'] = JSON.stringify(o.values);
  return meta;
}

/** The container holding a source's usable observations: sensor values in raw/, image features in features/. */
export function observationContainer(source: Pick<SourceConfig, 'kind'>): string {
  return source.kind === 'image' ? CONTAINERS.features : CONTAINERS.raw;
}

const DAY_MS = 86_400_000;

/** Reads stored observations as of a point in time: only what had become available by then. */
export class ObservationStore {
  constructor(
    private readonly blobs: BlobStore,
    /** How many UTC days back `latestAvailable` searches. */
    private readonly lookbackDays = 2,
  ) {}

  /** Writes an observation once; false when it was already stored (a duplicate keeps its first availableAt). */
  async putIfAbsent(container: string, observation: Observation): Promise<boolean> {
    return this.blobs.putIfAbsent(
      container,
      observationBlobName(observation.source, observation.site, observation.observedAt),
      JSON.stringify(observation),
      { contentType: 'application/json', metadata: observationMetadata(observation) },
    );
  }

  /** The newest observation (by observedAt) whose availableAt <= asOf, or undefined. */
  async latestAvailable(source: SourceConfig, site: string, asOf: Date): Promise<Observation | undefined> {
    const container = observationContainer(source);
    const asOfIso = asOf.toISOString();
    for (let day = 0; day <= this.lookbackDays; day++) {
      const date = new Date(asOf.getTime() - day * DAY_MS).toISOString().slice(0, 10);
      let best: { name: string; observedAt: string } | undefined;
      for await (const item of this.blobs.list(container, `${source.id}/${site}/${date}/`)) {
        const observedAt = item.metadata['observedat'];
        const availableAt = item.metadata['availableat'];
        if (!observedAt || !availableAt || availableAt > asOfIso || observedAt > asOfIso) continue;
        if (!best || observedAt > best.observedAt) best = { name: item.name, observedAt };
      }
      if (best) {
        const blob = await this.blobs.get(container, best.name);
        if (!blob) continue;
        return JSON.parse(blob.body.toString('utf8')) as Observation;
      }
    }
    return undefined;
  }
}
