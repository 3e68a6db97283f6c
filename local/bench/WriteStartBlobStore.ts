import { CONTAINERS, type BlobItem, type BlobStore, type PutOptions } from '../../shared/storage/BlobStore';
import { CountingBlobStore } from './CountingBlobStore';

/**
 * A CountingBlobStore that also notes when predictAll's write part starts: its first request to the forecasts
 * container (the pending copies' listing, then each forecast's blob copy), which comes after every forecast of the
 * run is built. So a run splits into reading and computing, then writing, without touching predictAll.
 */
export class WriteStartBlobStore extends CountingBlobStore {
  /** performance.now() at the first forecasts-container request since the last reset. */
  writeStartedAt: number | undefined;

  constructor(inner: BlobStore) {
    super(inner);
  }

  reset(): void {
    this.writeStartedAt = undefined;
  }

  override put(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<string> {
    this.mark(container);
    return super.put(container, name, body, options);
  }

  override list(container: string, prefix: string): AsyncIterable<BlobItem> {
    this.mark(container);
    return super.list(container, prefix);
  }

  private mark(container: string): void {
    if (container === CONTAINERS.forecasts) this.writeStartedAt ??= performance.now();
  }
}
