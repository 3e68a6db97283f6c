import { BlobConflictError, type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { type BreakerState, initialBreakerState } from './BreakerState';

/** Reads breaker states (what /api/health needs). */
export interface BreakerStateReader {
  read(source: string): Promise<{ state: BreakerState; etag: string | undefined }>;
}

/**
 * Breaker states in Blob Storage, one small blob per source: function instances come and go, so the state must
 * outlive them. Writes are ETag-conditional, so two instances never both take the one trial call.
 */
export class BreakerStore implements BreakerStateReader {
  constructor(private readonly blobs: BlobStore) {}

  /** The stored state (the initial closed one when none), with the ETag to write it back conditionally. */
  async read(source: string): Promise<{ state: BreakerState; etag: string | undefined }> {
    const blob = await this.blobs.get(CONTAINERS.state, breakerBlobName(source));
    if (!blob) return { state: initialBreakerState(source), etag: undefined };
    try {
      return {
        state: {
          ...initialBreakerState(source),
          ...(JSON.parse(blob.body.toString('utf8')) as Partial<BreakerState>),
          source,
        },
        etag: blob.etag,
      };
    } catch {
      // A damaged state blob must not stop ingestion: start closed, and the next write replaces it.
      return { state: initialBreakerState(source), etag: blob.etag };
    }
  }

  /** Writes the state if the blob is still at `etag` (absent when undefined); the new ETag, or undefined when another writer won. */
  async write(state: BreakerState, etag: string | undefined): Promise<string | undefined> {
    const name = breakerBlobName(state.source);
    const body = JSON.stringify(state);
    if (etag === undefined) {
      if (!(await this.blobs.putIfAbsent(CONTAINERS.state, name, body, { contentType: 'application/json' })))
        return undefined;
      return (await this.blobs.get(CONTAINERS.state, name))?.etag;
    }
    try {
      return await this.blobs.put(CONTAINERS.state, name, body, { contentType: 'application/json', ifMatch: etag });
    } catch (err) {
      if (err instanceof BlobConflictError) return undefined;
      throw err;
    }
  }
}

/** `breakers/<source>.json` in the state container. */
export function breakerBlobName(source: string): string {
  return `breakers/${source}.json`;
}
