import type { SourceConfig } from '../config/ForecastConfig';
import { CONTAINERS } from '../storage/BlobStore';
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
