import { BlobConflictError, type BlobStore } from '../storage/BlobStore';
import { mapLimit } from '../util/mapLimit';
import {
  batchesHash,
  type CompactedDay,
  compactedDayMetadata,
  dayBlobName,
  isDayBlob,
  parseCompactedDay,
  serializeCompactedDay,
} from './compactedDays';
import type { Observation } from './Observation';
import { batchFolder, batchRecords } from './observationBatches';

/** What compacting one source's day did. */
export type CompactDayOutcome =
  /** No batches in the day's folder: nothing to compact. */
  | { outcome: 'empty' }
  /** The compacted blob already names every batch listed: nothing written (and, by its metadata, nothing downloaded). */
  | { outcome: 'up-to-date'; batches: number }
  /** The compacted blob was written (first time) or rewritten with the batches that arrived since. */
  | { outcome: 'written'; batches: number; added: number; records: number; replacedCorrupt?: string }
  /** Someone else wrote the compacted blob between our read and our write; theirs stands, the next run folds the rest. */
  | { outcome: 'conflict' };

/** Batch blobs downloaded at once. */
const READ_CONCURRENCY = 16;

/**
 * Folds a source's batches of one observed UTC day into its compacted blob (compactedDays.ts): the first time every
 * batch, later only the ones it does not name yet (a late batch after an outage, a backfill), written over the version
 * read (ETag) or only if still absent, so two runs at once cannot lose each other's batches. Idempotent: when the
 * listing shows nothing new, nothing is read or written. Batches are never deleted.
 */
export async function compactDay(
  blobs: BlobStore,
  container: string,
  source: string,
  day: string,
): Promise<CompactDayOutcome> {
  const listed: string[] = [];
  let listedDay: { metadata: Record<string, string> } | undefined;
  for await (const item of blobs.list(container, batchFolder(source, day))) {
    if (isDayBlob(item.name)) listedDay = item;
    else listed.push(item.name);
  }
  if (listed.length === 0) return { outcome: 'empty' };
  // The metadata names what the blob holds: an unchanged day costs this listing only.
  if (
    listedDay?.metadata['batchcount'] === String(listed.length) &&
    listedDay.metadata['batcheshash'] === batchesHash(listed)
  )
    return { outcome: 'up-to-date', batches: listed.length };

  const name = dayBlobName(source, day);
  let base: CompactedDay | undefined;
  let etag: string | undefined;
  let replacedCorrupt: string | undefined;
  if (listedDay) {
    const blob = await blobs.get(container, name);
    if (blob) {
      etag = blob.etag;
      const parsed = parseCompactedDay(blob.body.toString('utf8'), `${container}/${name}`, source, day);
      // A blob that does not parse is rebuilt from every batch (readers skip it meanwhile, with this reason).
      if (typeof parsed === 'string') replacedCorrupt = parsed;
      else base = parsed;
    }
  }
  const covered = new Set(base?.batches ?? []);
  const fresh = listed.filter((n) => !covered.has(n));
  if (fresh.length === 0) return { outcome: 'up-to-date', batches: covered.size };

  const skipped = [...(base?.skipped ?? [])];
  const named = new Set(covered);
  const read = await mapLimit(fresh, READ_CONCURRENCY, async (batch): Promise<Observation[]> => {
    const blob = await blobs.get(container, batch);
    if (!blob) return []; // gone since the listing: not named, so a reader lists and misses it alike
    named.add(batch);
    // Batches are written once, so one that does not parse stays so: named with its reason, as a reader reports it.
    const records = batchRecords(blob.body.toString('utf8'), container, batch, source);
    if (records.skipped) skipped.push(records.skipped);
    return records.observations;
  });
  const added = read.flat();
  const compacted: CompactedDay = {
    version: 1,
    kind: 'day',
    source,
    day,
    batches: [...named].sort(),
    skipped: skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    observations: [...(base?.observations ?? []), ...added],
  };
  const body = serializeCompactedDay(compacted);
  const options = { contentType: 'application/json', metadata: { ...compactedDayMetadata(compacted) } };
  try {
    if (etag) await blobs.put(container, name, body, { ...options, ifMatch: etag });
    else if (!(await blobs.putIfAbsent(container, name, body, options))) return { outcome: 'conflict' };
  } catch (err) {
    if (err instanceof BlobConflictError) return { outcome: 'conflict' };
    throw err;
  }
  return {
    outcome: 'written',
    batches: compacted.batches.length,
    added: added.length,
    records: compacted.observations.length,
    ...(replacedCorrupt ? { replacedCorrupt } : {}),
  };
}
