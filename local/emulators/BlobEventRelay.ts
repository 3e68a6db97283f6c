import { setTimeout as sleep } from 'node:timers/promises';
import { PICTURE_BATCH_PREFIX } from '../../shared/features/PictureBatch';
import type { BlobStore } from '../../shared/storage/BlobStore';

/** Where and how often the relay looks, and where it delivers. */
export interface BlobEventRelayOptions {
  /** The container whose new blobs are delivered, e.g. `images`. */
  container: string;
  /** Only blobs whose names start with this (the Event Grid subscription's filter), e.g. the manifests' `_batches/`. */
  prefix: string;
  /** The blob-trigger function to run, e.g. `preprocess-image`. */
  functionName: string;
  /** The Functions host, e.g. `http://localhost:7071` (Core Tools' `func start`). */
  hostUrl: string;
  /** Milliseconds between listings. */
  intervalMs: number;
}

export const DEFAULT_BLOB_EVENT_RELAY_OPTIONS = {
  container: 'images',
  prefix: PICTURE_BATCH_PREFIX,
  functionName: 'preprocess-image',
  hostUrl: 'http://localhost:7071',
  intervalMs: 2_000,
} as const;

/** What one pass did. */
export interface RelayPass {
  delivered: string[];
  /** Blobs left for the next pass, and why (the host not running yet, or refusing). */
  pending: number;
  error?: string;
}

/**
 * Stands in for Event Grid in front of Core Tools: in Azure, Event Grid delivers a BlobCreated event per new
 * manifest of an ingest page's pictures to `preprocess-image` (a blob trigger with `source: 'EventGrid'`); `func
 * start` has no Event Grid, so this lists the container under the prefix and runs the function once per new blob
 * through the host's admin endpoint (`POST /admin/functions/<name>` with `{"input": "<container>/<blob>"}`, the
 * documented way to run a non-HTTP function by hand). Blobs there when it starts are taken as delivered (the
 * backfill made their features); a blob the host did not take is offered again on the next pass.
 */
export class BlobEventRelay {
  readonly #seen = new Set<string>();
  #primed = false;

  constructor(
    private readonly blobs: BlobStore,
    private readonly options: BlobEventRelayOptions = DEFAULT_BLOB_EVENT_RELAY_OPTIONS,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** Lists the container and delivers what is new; never throws (a host that is down is tried again). */
  async pass(): Promise<RelayPass> {
    const fresh: string[] = [];
    try {
      for await (const item of this.blobs.list(this.options.container, this.options.prefix))
        if (!this.#seen.has(item.name)) fresh.push(item.name);
    } catch (err) {
      return { delivered: [], pending: 0, error: `cannot list ${this.options.container}: ${(err as Error).message}` };
    }
    if (!this.#primed) {
      this.#primed = true;
      for (const name of fresh) this.#seen.add(name);
      return { delivered: [], pending: 0 };
    }
    const delivered: string[] = [];
    const url = `${this.options.hostUrl.replace(/\/$/, '')}/admin/functions/${encodeURIComponent(this.options.functionName)}`;
    for (const [i, name] of fresh.entries()) {
      let problem: string | undefined;
      try {
        const res = await this.fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ input: `${this.options.container}/${name}` }),
        });
        await res.arrayBuffer();
        // The admin endpoint answers 202 Accepted when it has queued the invocation.
        if (!res.ok) problem = `${url} answered ${res.status}`;
      } catch (err) {
        problem = `${url} is not answering (${(err as Error).message}): is \`func start\` running?`;
      }
      if (problem) return { delivered, pending: fresh.length - i, error: problem };
      this.#seen.add(name);
      delivered.push(name);
    }
    return { delivered, pending: 0 };
  }

  /** Runs passes until `signal` aborts; `onPass` hears each one that did something or failed. */
  async run(signal: AbortSignal, onPass?: (p: RelayPass) => void): Promise<void> {
    while (!signal.aborted) {
      const p = await this.pass();
      if (p.delivered.length > 0 || p.error) onPass?.(p);
      // Rejects on abort; the loop then ends.
      await sleep(this.options.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
