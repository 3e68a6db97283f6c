import { IMAGE_TYPES } from '../util/detectImageType';
import { ObservationBatchReader } from '../sources/ObservationBatchReader';
import { CONTAINERS } from '../storage/BlobStore';
import { type PreprocessDeps, preprocessPictures } from './preprocessPictures';

const PICTURE_EXTENSION = new RegExp(`\\.(${IMAGE_TYPES.join('|')})$`);

/** What preprocessStoredImages did, by outcome. */
export interface StoredImagesResult {
  /** Pictures listed without features. */
  pending: number;
  stored: number;
  quarantined: number;
  ignored: number;
}

/** Which pictures to look at, and how. */
export interface StoredImagesOptions {
  /** Image sources to cover (default: every configured one). */
  sources?: readonly string[];
  /** Pictures in flight at once: mostly storage round trips (a decode takes about 2 ms). */
  concurrency?: number;
  /** Pictures per batch: each batch's features reach the recent state in one write. */
  batchSize?: number;
  /** Called after each picture: how many of the pending ones are done. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Turns every stored picture that has no features yet into features, with the trigger's own code
 * (`preprocessPictures`), a batch at a time. A backfill runs it so the first training sees the image sources' whole history, instead of
 * waiting for the blob trigger to work through a backlog of thousands. Pictures are found by listing both
 * containers per site folder, so a picture already done costs nothing; running it again does nothing new.
 */
export async function preprocessStoredImages(
  deps: PreprocessDeps,
  options: StoredImagesOptions = {},
): Promise<StoredImagesResult> {
  const sources = deps.config.sources.filter((s) => s.kind === 'image' && (options.sources?.includes(s.id) ?? true));
  const pending: string[] = [];
  for (const source of sources) {
    const batches = new ObservationBatchReader(deps.blobs);
    for (const site of deps.config.sites) {
      const prefix = `${source.id}/${site.id}/`;
      const done = new Set<string>();
      for await (const f of deps.blobs.list(CONTAINERS.features, prefix)) done.add(f.name.replace(/\.json$/, ''));
      for await (const image of deps.blobs.list(CONTAINERS.images, prefix)) {
        const key = image.name.replace(PICTURE_EXTENSION, '');
        if (done.has(key)) continue;
        // Features are stored in batches (each batch's day read once); earlier deployments wrote one blob each.
        const observedAt = key.slice(key.lastIndexOf('/') + 1);
        const batched = await batches.site(CONTAINERS.features, source.id, site.id, observedAt.slice(0, 10));
        if (!batched.some((o) => o.observedAt === observedAt)) pending.push(image.name);
      }
    }
  }
  const result: StoredImagesResult = { pending: pending.length, stored: 0, quarantined: 0, ignored: 0 };
  let finished = 0;
  options.onProgress?.(0, pending.length);
  const batchSize = options.batchSize ?? 100;
  for (let i = 0; i < pending.length; i += batchSize) {
    const batch = pending.slice(i, i + batchSize);
    // A picture deleted since the listing (a retention rule) is missing: nothing to do.
    for (const outcome of await preprocessPictures(batch, deps, { concurrency: options.concurrency ?? 8 })) {
      if (outcome.status === 'stored') result.stored++;
      else if (outcome.status === 'quarantined') result.quarantined++;
      else if (outcome.status === 'ignored') result.ignored++;
    }
    finished += batch.length;
    options.onProgress?.(finished, pending.length);
  }
  return result;
}
