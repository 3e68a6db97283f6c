import { createHash } from 'node:crypto';
import type { Observation } from './Observation';
import { batchFolder, isObservation } from './observationBatches';

/**
 * The compacted layout: one blob per source and closed UTC day, `_batches/<source>/<yyyy-mm-dd>/_day.json`, holding
 * every record of the day's batches it was built from and naming them. It lives in the batch folder itself, so the
 * one listing every reader already makes shows whether a day is compacted (and which batches arrived since, by name):
 * a day without it costs nothing more than before. Batch ids are 32 hex digits, so `_day.json` never meets one.
 * Batches are kept (nothing lost; recent states name them); the day blob only spares reading them one by one.
 */
export const DAY_BLOB = '_day.json';

/** The compacted blob of a source's observed UTC day (yyyy-mm-dd). */
export function dayBlobName(source: string, day: string): string {
  return `${batchFolder(source, day)}${DAY_BLOB}`;
}

/** Whether a listed name in a batch folder is the folder's compacted blob (not a batch). */
export function isDayBlob(name: string): boolean {
  return name.endsWith(`/${DAY_BLOB}`);
}

/** A stored compacted day: the record of truth is still each batch; this is their union, as stored. */
export interface CompactedDay {
  version: 1;
  kind: 'day';
  source: string;
  day: string;
  /** The batch blobs folded in (full names), sorted: what a reader need not read again. */
  batches: string[];
  /** Batches (or records in them) that could not be used when compacting, with the reason, as a reader reports them. */
  skipped: { name: string; reason: string }[];
  /** Every well-formed record of those batches, as stored (duplicates included: readers keep the earliest). */
  observations: Observation[];
}

/** The blob metadata of a compacted day: listings show which batches it holds without downloading it. */
export interface CompactedDayMetadata {
  kind: 'day';
  batchcount: string;
  /** sha256 of the sorted batch names (batchesHash). */
  batcheshash: string;
  records: string;
}

export function serializeCompactedDay(day: CompactedDay): string {
  // Records as the batches hold them, byte for byte. Measured on 100 sites x 144 records: 16 ms to parse, as for the
  // 144 batches; a column form (like the recent state's) was a third of the size but took 30 ms with the records rebuilt.
  return JSON.stringify(day);
}

export function compactedDayMetadata(day: CompactedDay): CompactedDayMetadata {
  return {
    kind: 'day',
    batchcount: String(day.batches.length),
    batcheshash: batchesHash(day.batches),
    records: String(day.observations.length),
  };
}

/** A stable digest of a set of batch names (order does not matter). */
export function batchesHash(names: Iterable<string>): string {
  return createHash('sha256')
    .update([...names].sort().join('\n'))
    .digest('hex');
}

/** The compacted day in `text`, or why it is not one (then its batches are read one by one). */
export function parseCompactedDay(text: string, where: string, source: string, day: string): CompactedDay | string {
  let stored: Partial<CompactedDay>;
  try {
    stored = JSON.parse(text) as Partial<CompactedDay>;
  } catch (err) {
    return `${where} is not JSON: ${(err as Error).message}`;
  }
  if (stored === null || typeof stored !== 'object' || stored.version !== 1 || stored.kind !== 'day')
    return `${where} is not a compacted day (expected version 1, kind "day")`;
  if (stored.source !== source || stored.day !== day)
    return `${where} holds source "${String(stored.source)}" day "${String(stored.day)}", expected "${source}" "${day}"`;
  if (!Array.isArray(stored.batches) || !stored.batches.every((b) => typeof b === 'string'))
    return `${where} does not name its batches (expected a list of blob names)`;
  if (!Array.isArray(stored.observations) || !Array.isArray(stored.skipped))
    return `${where} has no list of observations or of skipped batches`;
  // One bad record means the blob was not written by compaction as it is: trust none of it, read the batches.
  const bad = (stored.observations as unknown[]).findIndex((o) => !isObservation(o, source));
  if (bad >= 0) return `${where}: record ${bad} is not an observation of "${source}"`;
  const skipped = stored.skipped as unknown[];
  if (!skipped.every((s) => isSkip(s))) return `${where} has a malformed skipped entry`;
  return stored as CompactedDay;
}

function isSkip(s: unknown): s is { name: string; reason: string } {
  if (s === null || typeof s !== 'object') return false;
  const r = s as Record<string, unknown>;
  return typeof r['name'] === 'string' && typeof r['reason'] === 'string';
}
