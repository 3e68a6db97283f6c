/**
 * The parsed form of JSON blobs this process wrote or read, by container, name and ETag. A warm instance that reads
 * back what it wrote at its last run (predict merges into its latest-copy and summary shards every slot) finds the
 * same ETag and skips parsing megabytes of JSON; any other ETag (another writer, a restart) is parsed as usual.
 * Values handed out are shared: callers must treat them as read-only.
 */
export class ParsedBlobCache {
  private readonly entries = new Map<string, { etag: string; value: unknown }>();

  /** `maxEntries`: blobs kept at most (the oldest is forgotten first). */
  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  /** The value of the blob as parsed when its ETag was `etag`, or `parse()`'s result (kept for the next read). */
  parsed<T>(container: string, name: string, etag: string, parse: () => T): T {
    const key = `${container}/${name}`;
    const known = this.entries.get(key);
    if (known && known.etag === etag) return known.value as T;
    const value = parse();
    this.remember(container, name, etag, value);
    return value;
  }

  /** Keeps what a write stored under `etag` (the value whose JSON it wrote). */
  remember(container: string, name: string, etag: string, value: unknown): void {
    const key = `${container}/${name}`;
    this.entries.delete(key);
    this.entries.set(key, { etag, value });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forgets a blob (its write failed, or it was deleted). */
  forget(container: string, name: string): void {
    this.entries.delete(`${container}/${name}`);
  }
}

/** Enough for 16 summary shards and a few dozen latest-copy shards of one app. */
const DEFAULT_MAX_ENTRIES = 64;
