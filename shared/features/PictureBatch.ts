import { createHash } from 'node:crypto';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';

/**
 * Where ingestion leaves the manifest of each page of pictures it stored, inside the images container: the blob
 * trigger of `preprocess-image` (and the Event Grid subscription) fire on these, one execution per page instead of
 * one per picture. A source id cannot start with `_`, so no picture is ever named like a manifest.
 */
export const PICTURE_BATCH_PREFIX = '_batches/';

/** What one manifest says: the pictures (blob names inside the images container) of one source's ingest page. */
export interface PictureBatch {
  source: string;
  /** When ingestion wrote it (ISO). */
  writtenAt: string;
  pictures: string[];
}

/** A manifest that is not one: its name and what is wrong. Not retryable (the same bytes never parse). */
export class PictureBatchError extends Error {
  readonly code = 'PICTURE_BATCH_INVALID';
  constructor(name: string, problem: string) {
    super(
      `picture batch ${CONTAINERS.images}/${name}: ${problem}; expected {"source": "<id>", "writtenAt": "<ISO time>", "pictures": ["<source>/<site>/<day>/<observedAt>.<type>", ...]}`,
    );
    this.name = 'PictureBatchError';
  }
  canRetry(): boolean {
    return false;
  }
}

/**
 * The manifest's blob name: `_batches/<source>/<day written>/<hash of the picture names>.json`. The same pictures make
 * the same name, so a retried ingest run that lists them again writes nothing and triggers nothing.
 */
function pictureBatchName(source: string, pictures: readonly string[], writtenAt: Date): string {
  const hash = createHash('sha256')
    .update([...pictures].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `${PICTURE_BATCH_PREFIX}${source}/${writtenAt.toISOString().slice(0, 10)}/${hash}.json`;
}

/** Whether a blob name of the images container is a manifest (else a picture, as older deployments triggered on). */
export function isPictureBatchName(name: string): boolean {
  return name.startsWith(PICTURE_BATCH_PREFIX);
}

/** Writes the manifest of `pictures` once (nothing when there are none); returns its name, or undefined. */
export async function writePictureBatch(
  blobs: BlobStore,
  source: string,
  pictures: readonly string[],
  now: Date,
): Promise<string | undefined> {
  if (pictures.length === 0) return undefined;
  const name = pictureBatchName(source, pictures, now);
  const batch: PictureBatch = { source, writtenAt: now.toISOString(), pictures: [...pictures] };
  await blobs.putIfAbsent(CONTAINERS.images, name, JSON.stringify(batch), { contentType: 'application/json' });
  return name;
}

/** Parses a manifest's bytes; throws PictureBatchError naming what is wrong. */
export function parsePictureBatch(name: string, body: Buffer): PictureBatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new PictureBatchError(name, `not JSON (${(err as Error).message.slice(0, 120)})`);
  }
  const b = parsed as Partial<PictureBatch> | null;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new PictureBatchError(name, 'not a JSON object');
  if (typeof b.source !== 'string') throw new PictureBatchError(name, '"source" is not a string');
  if (typeof b.writtenAt !== 'string' || Number.isNaN(Date.parse(b.writtenAt)))
    throw new PictureBatchError(name, `"writtenAt" is ${JSON.stringify(b.writtenAt)?.slice(0, 60)}, not an ISO time`);
  if (!Array.isArray(b.pictures)) throw new PictureBatchError(name, '"pictures" is not a list');
  const bad = b.pictures.findIndex((p) => typeof p !== 'string');
  if (bad >= 0) throw new PictureBatchError(name, `"pictures[${bad}]" is not a blob name`);
  return { source: b.source, writtenAt: b.writtenAt, pictures: b.pictures };
}
