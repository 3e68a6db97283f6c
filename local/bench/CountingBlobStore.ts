import type { BlobContent, BlobItem, BlobStore, DeleteOptions, PutOptions } from '../../shared/storage/BlobStore';

/** Blob Storage requests by kind (a listing counts once per call, however many pages it reads). */
export interface BlobRequestCounts {
  list: number;
  get: number;
  put: number;
  delete: number;
}

/** A BlobStore that counts the calls it passes on, to say how many round trips a predict run makes. */
export class CountingBlobStore implements BlobStore {
  readonly counts: BlobRequestCounts = { list: 0, get: 0, put: 0, delete: 0 };

  constructor(private readonly inner: BlobStore) {}

  putIfAbsent(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<boolean> {
    this.counts.put++;
    return this.inner.putIfAbsent(container, name, body, options);
  }

  put(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<string> {
    this.counts.put++;
    return this.inner.put(container, name, body, options);
  }

  get(container: string, name: string): Promise<BlobContent | undefined> {
    this.counts.get++;
    return this.inner.get(container, name);
  }

  list(container: string, prefix: string): AsyncIterable<BlobItem> {
    this.counts.list++;
    return this.inner.list(container, prefix);
  }

  delete(container: string, name: string, options?: DeleteOptions): Promise<void> {
    this.counts.delete++;
    return this.inner.delete(container, name, options);
  }
}
