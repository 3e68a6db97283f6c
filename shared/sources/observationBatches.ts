import { createHash } from 'node:crypto';
import type { Observation } from './Observation';

/**
 * The batch layout: one blob per source and stored batch (an ingest run's flush, a preprocessing batch) holding every
 * site's new records, `_batches/<source>/<yyyy-mm-dd>/<batchId>.json` in the observations' own container, one blob per
 * UTC day the records were observed on. Source ids match ^[a-z][a-z0-9-]{0,39}$, so the leading underscore never
 * meets a source's per-observation folders (`<source>/<site>/<day>/<observedAt>.json`, the layout of earlier
 * deployments and of records older than the recent state covers).
 */
export const BATCH_ROOT = '_batches';

/** The folder of a source's batches of one observed UTC day (yyyy-mm-dd). */
export function batchFolder(source: string, day: string): string {
  return `${BATCH_ROOT}/${source}/${day}/`;
}

/** The observed day (yyyy-mm-dd) of a batch blob's name. */
export function batchDay(name: string): string {
  return name.slice(BATCH_ROOT.length + 1).split('/')[1] ?? '';
}

/**
 * The batch id of a set of records: a hash of the source and the sorted (site, observedAt) keys, so a retried batch
 * (the same new records) has the same name and is written once.
 */
function batchId(source: string, observations: readonly Pick<Observation, 'site' | 'observedAt'>[]): string {
  const keys = observations.map((o) => `${o.site}|${o.observedAt}`).sort();
  return createHash('sha256')
    .update(`${source}\n${keys.join('\n')}`)
    .digest('hex')
    .slice(0, 32);
}

/** Where the batch of these records (all observed on one UTC day) lives. */
export function batchBlobName(
  source: string,
  observations: readonly Pick<Observation, 'site' | 'observedAt'>[],
): string {
  const day = observations[0]?.observedAt.slice(0, 10) ?? 'empty';
  return `${batchFolder(source, day)}${batchId(source, observations)}.json`;
}

/** A stored batch: the full observations, the record of truth (availableAt, publishedAt, backfilled included). */
export interface StoredBatch {
  version: 1;
  source: string;
  observations: Observation[];
}

export function serializeBatch(source: string, observations: readonly Observation[]): string {
  const stored: StoredBatch = { version: 1, source, observations: [...observations] };
  return JSON.stringify(stored);
}

/**
 * The observations of a downloaded batch blob `container/name` of `source`, and what could not be used, as every
 * reader of batches reports it: a blob that does not parse, or records that are not observations of the source.
 */
export function batchRecords(
  text: string,
  container: string,
  name: string,
  source: string,
): { observations: Observation[]; skipped?: { name: string; reason: string } } {
  const where = `${container}/${name}`;
  const parsed = parseBatch(text, where);
  if (typeof parsed === 'string') return { observations: [], skipped: { name: where, reason: parsed } };
  if (parsed.skipped === 0) return { observations: parsed.observations };
  return {
    observations: parsed.observations,
    skipped: { name: where, reason: `${parsed.skipped} record(s) are not observations of "${source}"` },
  };
}

/** The observations of a stored batch that are well formed, or why the blob is not a batch. */
export function parseBatch(text: string, where: string): { observations: Observation[]; skipped: number } | string {
  let stored: Partial<StoredBatch>;
  try {
    stored = JSON.parse(text) as Partial<StoredBatch>;
  } catch (err) {
    return `${where} is not JSON: ${(err as Error).message}`;
  }
  // A compacted day (compactedDays.ts) shares the batch folder and the record list: never read it as one more batch.
  if (stored !== null && typeof stored === 'object' && (stored as { kind?: unknown }).kind === 'day')
    return `${where} is a compacted day, not a batch`;
  if (stored === null || typeof stored !== 'object' || stored.version !== 1 || !Array.isArray(stored.observations))
    return `${where} is not an observation batch (expected version 1 with a list of observations)`;
  const observations: Observation[] = [];
  let skipped = 0;
  for (const o of stored.observations as unknown[]) {
    if (isObservation(o, stored.source)) observations.push(o);
    else skipped++;
  }
  return { observations, skipped };
}

/** A well-formed stored record of `source`. */
export function isObservation(o: unknown, source: unknown): o is Observation {
  if (o === null || typeof o !== 'object') return false;
  const r = o as Record<string, unknown>;
  return (
    r['source'] === source &&
    typeof r['site'] === 'string' &&
    typeof r['observedAt'] === 'string' &&
    Number.isFinite(Date.parse(r['observedAt'])) &&
    typeof r['availableAt'] === 'string' &&
    Number.isFinite(Date.parse(r['availableAt'])) &&
    r['values'] !== null &&
    typeof r['values'] === 'object' &&
    !Array.isArray(r['values'])
  );
}

/**
 * One observation per observedAt, oldest first: of records stored more than once (both layouts, or a retried batch
 * that met more records than the failed one), the one with the earliest availableAt, which is when it was first read.
 */
export function keepEarliest<T extends { observedAt: string; availableAt: string }>(records: readonly T[]): T[] {
  const byTime = new Map<string, T>();
  for (const r of records) {
    const known = byTime.get(r.observedAt);
    if (!known || Date.parse(r.availableAt) < Date.parse(known.availableAt)) byTime.set(r.observedAt, r);
  }
  return [...byTime.values()].sort((a, b) => a.observedAt.localeCompare(b.observedAt));
}
