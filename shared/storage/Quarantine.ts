import { createHash } from 'node:crypto';
import { type BlobStore, CONTAINERS } from './BlobStore';

/** A rejected payload, kept with the reason so nothing a provider sent is lost. */
export interface QuarantineEntry {
  source: string;
  reason: string;
  receivedAt: string;
  /** The record as parsed (JSON records), or a description of the bytes kept beside it. */
  record?: unknown;
  /** The record's exact text, when the bytes kept beside the entry are something else (a picture). */
  recordText?: string;
}

/**
 * Writes rejects to the quarantine container: `<source>/<day>/<hash>.json` with the reason, and the raw bytes in
 * `<hash>.bin`. The hash covers the record and the bytes, so a redelivery of the same payload is stored once while
 * two records that carry the same broken picture are each kept.
 */
export class Quarantine {
  constructor(private readonly blobs: BlobStore) {}

  /** Stores the entry (and raw bytes, if any); returns the blob name of the entry. */
  async put(entry: QuarantineEntry, bytes?: Buffer): Promise<string> {
    const hash = createHash('sha256')
      .update(entry.source)
      .update('\u0000')
      .update(entry.recordText ?? JSON.stringify(entry.record ?? null) ?? 'undefined')
      .update('\u0000')
      .update(bytes ?? '')
      .digest('hex')
      .slice(0, 32);
    const base = `${entry.source}/${entry.receivedAt.slice(0, 10)}/${hash}`;
    if (bytes) {
      await this.blobs.putIfAbsent(CONTAINERS.quarantine, `${base}.bin`, bytes, {
        contentType: 'application/octet-stream',
        metadata: { source: entry.source },
      });
    }
    await this.blobs.putIfAbsent(
      CONTAINERS.quarantine,
      `${base}.json`,
      JSON.stringify({ ...entry, bytes: bytes ? `${base}.bin` : undefined }),
      {
        contentType: 'application/json',
        metadata: { source: entry.source },
      },
    );
    return `${base}.json`;
  }
}
