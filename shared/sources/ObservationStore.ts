import type { SourceConfig } from '../config/ForecastConfig';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { ListingCacheBlobStore } from '../storage/ListingCacheBlobStore';
import type { Observation } from './Observation';

/** Where a stored observation's blob lives: one per (source, site, observedAt), partitioned by UTC day. */
export function observationBlobName(source: string, site: string, observedAt: string, extension = 'json'): string {
  return `${source}/${site}/${observedAt.slice(0, 10)}/${observedAt}.${extension}`;
}

/** Blob metadata written with every observation, so listings can filter on availability without downloads. */
export function observationMetadata(
  o: Pick<Observation, 'source' | 'site' | 'observedAt' | 'availableAt' | 'publishedAt' | 'backfilled'> & {
    values?: Record<string, number>;
  },
): Record<string, string> {
  const meta: Record<string, string> = {
    source: o.source,
    site: o.site,
    observedat: o.observedAt,
    availableat: o.availableAt,
  };
  if (o.publishedAt) meta['publishedat'] = o.publishedAt;
  if (o.backfilled) meta['backfilled'] = 'true';
  // The values too (a few hundred bytes of ASCII JSON): a listing then reads history without a download per blob.
  // Azure allows 8 KB of metadata per blob in all, so a large record (a long forecast run) keeps them only in its
  // body; every reader of listed values falls back to downloading the blob when the metadata has none.
  if (o.values) {
    const json = JSON.stringify(o.values);
    if (Buffer.byteLength(json, 'utf8') <= MAX_METADATA_VALUES_BYTES) meta['values'] = json;
  }
  return meta;
}

/** Largest values JSON copied into a blob's metadata (Azure: 8 KB for all of a blob's metadata, names included). */
export const MAX_METADATA_VALUES_BYTES = 4096;

/** The values of a stored observation blob, or undefined when the blob is not one. */
export function storedObservationValues(body: Buffer): Record<string, number> | undefined {
  try {
    const values = (JSON.parse(body.toString('utf8')) as Partial<Observation>).values;
    return values && typeof values === 'object' ? values : undefined;
  } catch {
    return undefined;
  }
}

/** The values a listing's metadata carries (`values`), or undefined when it carries none or they do not parse. */
export function metadataValues(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, number>;
  } catch {
    return undefined;
  }
}

/** The container holding a source's usable observations: sensor values in raw/, image features in features/. */
export function observationContainer(source: Pick<SourceConfig, 'kind'>): string {
  return source.kind === 'image' ? CONTAINERS.features : CONTAINERS.raw;
}

const DAY_MS = 86_400_000;

/** An observation as a container listing describes it (metadata only). */
export interface ListedObservation {
  container: string;
  name: string;
  observedAt: string;
  availableAt: string;
  publishedAt?: string | undefined;
  /** The values as JSON, when the blob's metadata carries them. */
  values?: string | undefined;
  /** Stored by a backfill without publishedAt (see Observation.backfilled). */
  backfilled?: boolean;
}

/** Reads stored observations as of a point in time: only what had become available by then. */
export class ObservationStore {
  constructor(private readonly blobs: BlobStore) {}

  /** The same store with each day folder listed once and then reused (one run reading many issue slots). */
  withListingCache(): ObservationStore {
    return new ObservationStore(new ListingCacheBlobStore(this.blobs));
  }

  /** Writes an observation once; false when it was already stored (a duplicate keeps its first availableAt). */
  async putIfAbsent(container: string, observation: Observation): Promise<boolean> {
    return this.blobs.putIfAbsent(
      container,
      observationBlobName(observation.source, observation.site, observation.observedAt),
      JSON.stringify(observation),
      { contentType: 'application/json', metadata: observationMetadata(observation) },
    );
  }

  /**
   * What the listing says about every observation available at `asOf` and observed in the `hours` before it,
   * sorted by observedAt: enough to find the newest and to learn the source's delays, without downloads.
   */
  recentAvailable(source: SourceConfig, site: string, asOf: Date, hours: number): Promise<ListedObservation[]> {
    return this.availableIn(source, site, new Date(asOf.getTime() - hours * 3_600_000), asOf, asOf);
  }

  /**
   * What the listing says about every observation observed in `from`..`to` (inclusive) that was available at `asOf`,
   * sorted by observedAt. One listing per day folder; the values come with the metadata, so nothing is downloaded.
   */
  async availableIn(
    source: SourceConfig,
    site: string,
    from: Date,
    to: Date,
    asOf: Date,
  ): Promise<ListedObservation[]> {
    const container = observationContainer(source);
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    const asOfIso = asOf.toISOString();
    const out: ListedObservation[] = [];
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= to.getTime(); day += DAY_MS) {
      for await (const item of this.blobs.list(
        container,
        `${source.id}/${site}/${new Date(day).toISOString().slice(0, 10)}/`,
      )) {
        const observedAt = item.metadata['observedat'];
        const availableAt = item.metadata['availableat'];
        if (!observedAt || !availableAt || availableAt > asOfIso || observedAt > toIso || observedAt < fromIso)
          continue;
        out.push({
          container,
          name: item.name,
          observedAt,
          availableAt,
          publishedAt: item.metadata['publishedat'],
          values: item.metadata['values'],
          ...(item.metadata['backfilled'] === 'true' ? { backfilled: true } : {}),
        });
      }
    }
    return out.sort((a, b) => a.observedAt.localeCompare(b.observedAt));
  }

  /** The full observation behind a listed one (from its metadata when it carries the values, else downloaded). */
  async read(source: SourceConfig, site: string, listed: ListedObservation): Promise<Observation | undefined> {
    // Metadata that does not parse falls through to the body, which is the record of truth.
    const values = metadataValues(listed.values);
    if (values)
      return {
        source: source.id,
        site,
        observedAt: listed.observedAt,
        availableAt: listed.availableAt,
        ...(listed.publishedAt ? { publishedAt: listed.publishedAt } : {}),
        ...(listed.backfilled ? { backfilled: true } : {}),
        values,
      };
    const blob = await this.blobs.get(listed.container, listed.name);
    return blob ? (JSON.parse(blob.body.toString('utf8')) as Observation) : undefined;
  }
}
