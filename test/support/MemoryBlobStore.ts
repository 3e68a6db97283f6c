import {
  BlobConflictError,
  type BlobContent,
  type BlobItem,
  type BlobStore,
  type DeleteOptions,
  type PutOptions,
} from '../../shared/storage/BlobStore';

/** An in-memory BlobStore for unit tests (integration tests use Azurite). */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, BlobContent & { lastModified: Date }>();
  private version = 0;

  async putIfAbsent(
    container: string,
    name: string,
    body: Buffer | string,
    options: PutOptions = {},
  ): Promise<boolean> {
    if (this.blobs.has(`${container}/${name}`)) return false;
    await this.put(container, name, body, options);
    return true;
  }

  async put(container: string, name: string, body: Buffer | string, options: PutOptions = {}): Promise<string> {
    const key = `${container}/${name}`;
    const existing = this.blobs.get(key);
    if (options.ifMatch !== undefined && existing?.etag !== options.ifMatch)
      throw new BlobConflictError(container, name);
    const etag = `"${++this.version}"`;
    this.blobs.set(key, {
      body: Buffer.from(body),
      etag,
      contentType: options.contentType,
      metadata: Object.fromEntries(Object.entries(options.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      lastModified: new Date(),
    });
    return etag;
  }

  async get(container: string, name: string): Promise<BlobContent | undefined> {
    const b = this.blobs.get(`${container}/${name}`);
    return b ? { body: b.body, etag: b.etag, contentType: b.contentType, metadata: b.metadata } : undefined;
  }

  async *list(container: string, prefix: string): AsyncIterable<BlobItem> {
    const names = [...this.blobs.keys()].filter((k) => k.startsWith(`${container}/${prefix}`)).sort();
    for (const key of names) {
      const b = this.blobs.get(key);
      if (b)
        yield {
          name: key.slice(container.length + 1),
          etag: b.etag,
          lastModified: b.lastModified,
          size: b.body.length,
          metadata: b.metadata,
        };
    }
  }

  async delete(container: string, name: string, options: DeleteOptions = {}): Promise<void> {
    const blob = this.blobs.get(`${container}/${name}`);
    if (blob && options.ifMatch && blob.etag !== options.ifMatch) throw new BlobConflictError(container, name);
    this.blobs.delete(`${container}/${name}`);
  }

  /** Names in a container, sorted. */
  names(container: string): string[] {
    return [...this.blobs.keys()]
      .filter((k) => k.startsWith(`${container}/`))
      .map((k) => k.slice(container.length + 1))
      .sort();
  }
}
