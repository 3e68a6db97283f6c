import { ObservationStore, observationBlobName } from '../sources/ObservationStore';
import type { Observation } from '../sources/Observation';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { mapLimit } from '../util/mapLimit';

/**
 * The only place image features are written and looked up (features/ holds one blob per picture today; a layout of
 * one blob per source and batch replaces these two functions, nothing else).
 */

/** One batch's features as stored: this write's, or the observation stored before (its first availableAt kept). */
export interface StoredFeatures {
  observation: Observation;
  /** False when it was stored already (a retry, a concurrent execution): nothing was written. */
  stored: boolean;
}

/** Writes the features of a batch, each once (a refused write reads what is there); order is kept. */
export async function storeFeatures(
  blobs: BlobStore,
  observations: readonly Observation[],
  concurrency = 8,
): Promise<StoredFeatures[]> {
  const store = new ObservationStore(blobs);
  return mapLimit(observations, concurrency, async (observation) => {
    if (await store.putIfAbsent(CONTAINERS.features, observation)) return { observation, stored: true };
    return { observation: (await storedFeatures(blobs, observation)) ?? observation, stored: false };
  });
}

/** The features stored for the picture of (source, site, observedAt), or undefined when there are none (or unreadable). */
export async function storedFeatures(
  blobs: BlobStore,
  key: Pick<Observation, 'source' | 'site' | 'observedAt'>,
): Promise<Observation | undefined> {
  const blob = await blobs.get(CONTAINERS.features, observationBlobName(key.source, key.site, key.observedAt));
  if (!blob) return undefined;
  try {
    const o = JSON.parse(blob.body.toString('utf8')) as Observation;
    return o && typeof o === 'object' && o.values && typeof o.values === 'object' ? o : undefined;
  } catch {
    return undefined;
  }
}
