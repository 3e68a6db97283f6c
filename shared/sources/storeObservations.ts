import type { BlobStore } from '../storage/BlobStore';
import type { Observation } from './Observation';
import { batchBlobName, parseBatch, serializeBatch } from './observationBatches';

/**
 * Writes new observations of one source the batch way: one blob per UTC day they were observed on (see
 * observationBatches), named by their keys and written only if absent, so a retried batch (a run that stored it and
 * failed before its state merge, then met the same records) writes nothing and keeps the first availableAt. Returns
 * the observations as stored, in the order given: a retried one with the availableAt it was first stored with.
 * Deciding which records are new (the recent state, the run's own batch) is the caller's.
 */
export async function storeObservations(
  blobs: BlobStore,
  container: string,
  observations: readonly Observation[],
): Promise<StoredObservations> {
  const byDay = new Map<string, Observation[]>();
  for (const o of observations) {
    const day = o.observedAt.slice(0, 10);
    const list = byDay.get(day);
    if (list) list.push(o);
    else byDay.set(day, [o]);
  }
  const stored = new Map<string, Observation>();
  const names: string[] = [];
  let written = 0;
  for (const group of byDay.values()) {
    const source = (group[0] as Observation).source;
    const name = batchBlobName(source, group);
    names.push(name);
    const body = serializeBatch(source, group);
    if (
      await blobs.putIfAbsent(container, name, body, {
        contentType: 'application/json',
        metadata: { source, records: String(group.length) },
      })
    ) {
      written += group.length;
      continue;
    }
    // Written before: what it holds is the truth (its availableAt came first).
    const there = await blobs.get(container, name);
    const parsed = there ? parseBatch(there.body.toString('utf8'), `${container}/${name}`) : undefined;
    if (parsed && typeof parsed !== 'string')
      for (const o of parsed.observations) stored.set(`${o.site}|${o.observedAt}`, o);
  }
  return { observations: observations.map((o) => stored.get(`${o.site}|${o.observedAt}`) ?? o), written, names };
}

/** What storeObservations stored. */
export interface StoredObservations {
  /** The observations as stored, in the order given. */
  observations: Observation[];
  /** Of them, the ones written now (the others were in a batch written before). */
  written: number;
  /** The batch blobs that hold them. */
  names: string[];
}
