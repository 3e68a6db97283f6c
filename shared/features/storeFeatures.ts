import type { Observation } from '../sources/Observation';
import { ObservationBatchReader } from '../sources/ObservationBatchReader';
import { storeObservations } from '../sources/storeObservations';
import { observationBlobName } from '../sources/ObservationStore';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';

/**
 * Where image features are looked up, and written for times the features state does not cover (a backfill's days, no
 * state yet; newer ones go through the source's RecentBatch, which names their batch in the state): one blob per
 * source and batch (storeObservations), read in both layouts (the per-picture blobs of earlier deployments too).
 */

/** One batch's features as stored: this write's, or the observation stored before (its first availableAt kept). */
export interface StoredFeatures {
  observation: Observation;
  /** False when it was stored already (a retry of the same pictures): nothing was written. */
  stored: boolean;
}

/**
 * Writes the features of a batch as one blob per source and observed day, written only if absent (its name is a hash
 * of the pictures' keys: a retry of the same pictures writes nothing and keeps the first availableAt); order is kept.
 */
export async function storeFeatures(blobs: BlobStore, observations: readonly Observation[]): Promise<StoredFeatures[]> {
  const bySource = new Map<string, number[]>();
  observations.forEach((o, i) => {
    const indexes = bySource.get(o.source);
    if (indexes) indexes.push(i);
    else bySource.set(o.source, [i]);
  });
  const out = new Array<StoredFeatures>(observations.length);
  for (const indexes of bySource.values()) {
    const given = indexes.map((i) => observations[i] as Observation);
    const stored = await storeObservations(blobs, CONTAINERS.features, given);
    stored.observations.forEach((observation, k) => {
      const i = indexes[k] as number;
      out[i] = { observation, stored: observation === given[k] };
    });
  }
  return out;
}

/**
 * The features stored for the picture of (source, site, observedAt), in either layout, or undefined when there are
 * none: the per-picture blob of an earlier deployment, else the batches of its day (each read once per `batches`).
 */
export async function storedFeatures(
  blobs: BlobStore,
  key: Pick<Observation, 'source' | 'site' | 'observedAt'>,
  batches: ObservationBatchReader = new ObservationBatchReader(blobs),
): Promise<Observation | undefined> {
  const blob = await blobs.get(CONTAINERS.features, observationBlobName(key.source, key.site, key.observedAt));
  if (blob) {
    try {
      const o = JSON.parse(blob.body.toString('utf8')) as Observation;
      if (o && typeof o === 'object' && o.values && typeof o.values === 'object') return o;
    } catch {
      // Unreadable: the batches may hold it.
    }
  }
  const day = await batches.site(CONTAINERS.features, key.source, key.site, key.observedAt.slice(0, 10));
  return day.find((o) => o.observedAt === key.observedAt);
}
