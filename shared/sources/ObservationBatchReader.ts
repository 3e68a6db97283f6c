import type { BlobStore } from '../storage/BlobStore';
import { mapLimit } from '../util/mapLimit';
import type { Observation } from './Observation';
import { type CompactedDay, isDayBlob, parseCompactedDay } from './compactedDays';
import { batchFolder, batchRecords, keepEarliest } from './observationBatches';

/** A source's batch-stored observations of one observed UTC day. */
export interface BatchDay {
  /** Per site, one per observedAt (the earliest availableAt), oldest first. */
  bySite: Map<string, Observation[]>;
  /** Batch blobs (or records in them) that could not be read, with the reason (left where they are). */
  skipped: { name: string; reason: string }[];
  /** The batch blobs whose records are in it (read one by one or through the day's compacted blob), sorted. */
  names: string[];
}

/** Batch blobs downloaded at once. */
const READ_CONCURRENCY = 16;

/**
 * Reads the batch layout a day folder at a time: one listing and each batch blob once, however many sites ask. One
 * instance serves one run (a training run, a predict run, a migration, an ingest page): a day it has read is not
 * read again, so a batch written after that is not seen by this instance.
 */
export class ObservationBatchReader {
  private readonly days = new Map<string, Promise<BatchDay>>();

  constructor(private readonly blobs: BlobStore) {}

  /** The source's batch-stored observations observed on `day` (yyyy-mm-dd) in `container`. */
  day(container: string, source: string, day: string): Promise<BatchDay> {
    const key = `${container}/${batchFolder(source, day)}`;
    let read = this.days.get(key);
    if (!read) {
      read = this.readDay(container, source, day);
      this.days.set(key, read);
      // A failed read is not kept: the next caller tries again.
      read.catch(() => this.days.delete(key));
    }
    return read;
  }

  /** One site's batch-stored observations observed on `day`, oldest first. */
  async site(container: string, source: string, site: string, day: string): Promise<Observation[]> {
    return (await this.day(container, source, day)).bySite.get(site) ?? [];
  }

  /**
   * The day's compacted blob (when the folder's listing shows one) and every batch it does not name: late data that
   * arrived after compaction (a batch after an outage, a backfill) is read as before. A compacted blob that cannot be
   * read is reported like a bad batch, and then every batch is read: nothing is lost.
   */
  private async readDay(container: string, source: string, day: string): Promise<BatchDay> {
    const listed: string[] = [];
    let dayBlob: string | undefined;
    for await (const item of this.blobs.list(container, batchFolder(source, day))) {
      if (isDayBlob(item.name)) dayBlob = item.name;
      else listed.push(item.name);
    }
    const skipped: BatchDay['skipped'] = [];
    const covered = new Set<string>();
    const records: Observation[][] = [];
    if (dayBlob) {
      const compacted = await this.readCompacted(container, source, day, dayBlob);
      if (typeof compacted === 'string') skipped.push({ name: `${container}/${dayBlob}`, reason: compacted });
      else {
        for (const name of compacted.batches) covered.add(name);
        skipped.push(...compacted.skipped);
        records.push(compacted.observations);
      }
    }
    const toRead = listed.filter((name) => !covered.has(name));
    // Kept in name order, whatever order the downloads finish in: the same records meet keepEarliest in the same order.
    const read = await mapLimit(toRead, READ_CONCURRENCY, async (name) => {
      const blob = await this.blobs.get(container, name);
      if (!blob) return []; // deleted between list and get: nothing to read
      const batch = batchRecords(blob.body.toString('utf8'), container, name, source);
      if (batch.skipped) skipped.push(batch.skipped);
      return batch.observations;
    });
    records.push(...read);
    const all = new Map<string, Observation[]>();
    for (const list of records)
      for (const o of list) {
        const known = all.get(o.site);
        if (known) known.push(o);
        else all.set(o.site, [o]);
      }
    const bySite = new Map<string, Observation[]>();
    for (const [site, list] of all) bySite.set(site, keepEarliest(list));
    skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Every batch whose records are in the result, read now or through the compacted blob.
    const names = [...new Set([...listed, ...covered])].sort();
    return { bySite, skipped, names };
  }

  private async readCompacted(
    container: string,
    source: string,
    day: string,
    name: string,
  ): Promise<CompactedDay | string> {
    const blob = await this.blobs.get(container, name);
    if (!blob) return `${container}/${name} was listed but is gone`;
    return parseCompactedDay(blob.body.toString('utf8'), `${container}/${name}`, source, day);
  }
}
