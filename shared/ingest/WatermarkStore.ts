import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { WatermarkConflictError } from './WatermarkConflictError';

/** Where a source's ingestion resumes: the provider's publishedAt cursor. */
export interface Watermark {
  since: string;
  updatedAt: string;
}

/** Watermarks in Blob Storage, written with ETag conditions so two runs never both advance one. */
export class WatermarkStore {
  constructor(private readonly blobs: BlobStore) {}

  async read(source: string): Promise<{ watermark: Watermark; etag: string } | undefined> {
    const blob = await this.blobs.get(CONTAINERS.state, blobName(source));
    if (!blob) return undefined;
    return { watermark: JSON.parse(blob.body.toString('utf8')) as Watermark, etag: blob.etag };
  }

  /**
   * Writes the watermark if it is still at `etag` (or absent when etag is undefined); returns the new ETag. A lost race
   * throws WatermarkConflictError (creating) or BlobConflictError (updating), both retryable.
   */
  async write(source: string, watermark: Watermark, etag: string | undefined): Promise<string> {
    const body = JSON.stringify(watermark);
    if (etag === undefined) {
      const created = await this.blobs.putIfAbsent(CONTAINERS.state, blobName(source), body, {
        contentType: 'application/json',
      });
      if (!created) throw new WatermarkConflictError(source);
      const now = await this.blobs.get(CONTAINERS.state, blobName(source));
      return now?.etag ?? '';
    }
    return this.blobs.put(CONTAINERS.state, blobName(source), body, { contentType: 'application/json', ifMatch: etag });
  }
}

function blobName(source: string): string {
  return `watermarks/${source}.json`;
}
