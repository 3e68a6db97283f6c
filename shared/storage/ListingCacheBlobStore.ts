import type { BlobContent, BlobItem, BlobStore, DeleteOptions, PutOptions } from './BlobStore';

/**
 * A BlobStore whose listings are read once per (container, prefix) and then served from memory; everything else
 * goes straight through. For one run that reads the same folders many times (predict catching up missed slots):
 * one listing per folder instead of one per slot, and every slot sees the same view.
 */
export class ListingCacheBlobStore implements BlobStore {
  private readonly listings = new Map<string, Promise<BlobItem[]>>();

  constructor(private readonly inner: BlobStore) {}

  putIfAbsent(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<boolean> {
    return this.inner.putIfAbsent(container, name, body, options);
  }

  put(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<string> {
    return this.inner.put(container, name, body, options);
  }

  get(container: string, name: string): Promise<BlobContent | undefined> {
    return this.inner.get(container, name);
  }

  delete(container: string, name: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(container, name, options);
  }

  async *list(container: string, prefix: string): AsyncIterable<BlobItem> {
    const key = `${container}/${prefix}`;
    let listing = this.listings.get(key);
    if (!listing) {
      listing = collect(this.inner.list(container, prefix));
      this.listings.set(key, listing);
      // A failed listing is not kept: the next caller tries again.
      listing.catch(() => this.listings.delete(key));
    }
    yield* await listing;
  }
}

async function collect(items: AsyncIterable<BlobItem>): Promise<BlobItem[]> {
  const out: BlobItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}
