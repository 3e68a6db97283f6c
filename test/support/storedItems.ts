import { batchFolder, parseBatch } from '../../shared/sources/observationBatches';
import { observationBlobName } from '../../shared/sources/observationBlobs';
import type { BlobStore } from '../../shared/storage/BlobStore';

/** A stored observation as a listing of the per-observation layout describes it. */
export interface StoredItem {
  /** Its per-observation name (`<source>/<site>/<day>/<observedAt>.json`), whichever layout holds it. */
  name: string;
  /** observedat, availableat and publishedat when known, as a listing's metadata. */
  metadata: Record<string, string>;
}

/**
 * Every stored copy of the observations of (source, site) observed on `day` (yyyy-mm-dd), in both layouts: the
 * per-observation blobs as listed, and each record of the day's batches. Not deduplicated: a record stored twice
 * appears twice, so a test can say it was stored once.
 */
export async function storedItems(
  blobs: BlobStore,
  container: string,
  source: string,
  site: string,
  day: string,
): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  for await (const item of blobs.list(container, `${source}/${site}/${day}/`))
    items.push({ name: item.name, metadata: item.metadata });
  for await (const item of blobs.list(container, batchFolder(source, day))) {
    const blob = await blobs.get(container, item.name);
    const parsed = blob ? parseBatch(blob.body.toString('utf8'), item.name) : undefined;
    if (!parsed || typeof parsed === 'string') continue;
    for (const o of parsed.observations)
      if (o.site === site)
        items.push({
          name: observationBlobName(source, site, o.observedAt),
          metadata: {
            observedat: o.observedAt,
            availableat: o.availableAt,
            ...(o.publishedAt ? { publishedat: o.publishedAt } : {}),
          },
        });
  }
  return items;
}
