import { createHash } from 'node:crypto';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';

/** A rejected payload, kept with the reason so nothing a provider sent is lost. */
export interface QuarantineEntry {
  source: string;
  reason: string;
  receivedAt: string;
  /** The record as received (JSON records), or a description of the bytes kept beside it. */
  record?: unknown;
}

/** Writes rejects to the quarantine container, once per distinct payload. */
export class Quarantine {
  constructor(private readonly blobs: BlobStore) {}

  /** Stores the entry (and raw bytes, if any); returns the blob name. Repeats of the same payload are stored once. */
  async put(entry: QuarantineEntry, bytes?: Buffer): Promise<string> {
    const hash = createHash('sha256')
      .update(entry.source)
      .update(bytes ?? JSON.stringify(entry.record ?? null))
      .digest('hex')
      .slice(0, 32);
    const base = `${entry.source}/${entry.receivedAt.slice(0, 10)}/${hash}`;
    if (bytes) {
      await this.blobs.putIfAbsent(CONTAINERS.quarantine, `${base}.bin`, bytes, {
        contentType: 'application/octet-stream',
        metadata: { source: entry.source },
      });
    }
    await this.blobs.putIfAbsent(CONTAINERS.quarantine, `${base}.json`, JSON.stringify({ ...entry, bytes: bytes ? `${base}.bin` : undefined }), {
      contentType: 'application/json',
      metadata: { source: entry.source },
    });
    return `${base}.json`;
  }
}
