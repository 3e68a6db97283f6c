import type { Observation } from '../../shared/sources/Observation';
import { isDayBlob } from '../../shared/sources/compactedDays';
import { BATCH_ROOT, parseBatch } from '../../shared/sources/observationBatches';
import { observationBlobName } from '../../shared/sources/observationBlobs';
import type { MemoryBlobStore } from './MemoryBlobStore';

/**
 * Every observation stored in `container`, in both layouts (per-observation blobs and batches), by the name it would
 * have in the per-observation layout, sorted by that name; a record stored twice keeps its earliest availableAt.
 */
export async function storedObservations(blobs: MemoryBlobStore, container: string): Promise<Map<string, Observation>> {
  const found = await storedRecords(blobs, container);
  const byName = new Map<string, Observation>();
  for (const o of found) {
    const name = observationBlobName(o.source, o.site, o.observedAt);
    const known = byName.get(name);
    if (!known || o.availableAt < known.availableAt) byName.set(name, o);
  }
  return new Map([...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every record stored in `container`, in both layouts, as often as it is stored (a record stored twice is there twice). */
export async function storedRecords(blobs: MemoryBlobStore, container: string): Promise<Observation[]> {
  const found: Observation[] = [];
  for (const name of blobs.names(container)) {
    const text = (await blobs.get(container, name))?.body.toString('utf8') ?? '';
    if (isDayBlob(name)) continue; // a copy of batches counted below
    if (name.startsWith(`${BATCH_ROOT}/`)) {
      const parsed = parseBatch(text, name);
      if (typeof parsed === 'string') throw new Error(parsed);
      found.push(...parsed.observations);
    } else if (name.endsWith('.json')) found.push(JSON.parse(text) as Observation);
  }
  return found;
}

/** The per-observation names of every observation stored in `container` (both layouts), sorted. */
export async function storedNames(blobs: MemoryBlobStore, container: string): Promise<string[]> {
  return [...(await storedObservations(blobs, container)).keys()];
}

/** The observation stored under `name` (its per-observation name) in either layout, or undefined. */
export async function storedObservation(
  blobs: MemoryBlobStore,
  container: string,
  name: string,
): Promise<Observation | undefined> {
  return (await storedObservations(blobs, container)).get(name);
}
