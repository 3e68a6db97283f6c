import { randomUUID } from 'node:crypto';
import type { BlobDownloadResponseParsed, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Clock } from '../../shared/time/Clock';
import type { LoadedFunction } from './AppRegistry';
import type { BlobPathPattern } from './BlobPathPattern';
import type { BlobReceiptStore } from './BlobReceiptStore';
import { sleepReal } from './clockSleep';
import type { ConcurrencyLimiter } from './ConcurrencyLimiter';
import type { InvocationOutcome, TriggerInput } from './FunctionInvoker';
import type { WorkTracker } from './WorkTracker';
import type { RpcTypedData } from './workerContract';

/** What a listener needs from the host. */
export interface BlobTriggerListenerDeps {
  clock: Clock;
  invoke(fn: LoadedFunction, input: TriggerInput): Promise<InvocationOutcome>;
  limiter: ConcurrencyLimiter;
  tracker: WorkTracker;
  log(level: 'information' | 'warning' | 'error', message: string): void;
  /** Real milliseconds between listings. */
  pollIntervalMs: number;
  /** Attempts per blob version before it is poison (Azure: 5). */
  maxAttempts: number;
  /** Real milliseconds before the first retry; doubles per attempt. */
  retryBaseDelayMs: number;
}

/**
 * Drives one blob-trigger function from a storage container: lists it every poll interval (names and ETags
 * only, so tens of thousands of blobs stay cheap), invokes once per new or changed blob, writes a receipt
 * after success, and reports a blob as poison after `maxAttempts` failures.
 *
 * `source: 'EventGrid'` triggers are driven the same way: in Azure, Event Grid delivers a BlobCreated event per
 * upload, which locally a container listing stands in for.
 */
export class BlobTriggerListener {
  /** Blob name -> ETag already processed (from receipts) or being processed now. */
  readonly #known = new Map<string, string>();
  readonly #inFlight = new Set<string>();
  readonly #jobs = new Set<Promise<void>>();
  readonly #container: ContainerClient;
  readonly #name: string;

  constructor(
    readonly fn: LoadedFunction,
    readonly pattern: BlobPathPattern,
    service: BlobServiceClient,
    private readonly receipts: BlobReceiptStore,
    private readonly deps: BlobTriggerListenerDeps,
  ) {
    this.#container = service.getContainerClient(pattern.container);
    this.#name = fn.metadata.name;
  }

  /** Polls until `signal` aborts, then waits for blobs being processed (unfinished ones get no receipt). */
  async run(signal: AbortSignal): Promise<void> {
    let failing = false;
    let loaded = false;
    while (!signal.aborted) {
      try {
        if (!loaded) {
          for (const [name, etag] of await this.receipts.load(this.#name, this.pattern.container, signal))
            this.#known.set(name, etag);
          loaded = true;
        }
        await this.#poll(signal);
        if (failing)
          this.deps.log('information', `blob listener of '${this.#name}' is listing '${this.pattern.container}' again`);
        failing = false;
      } catch (err) {
        if (signal.aborted) break;
        if (!failing)
          this.deps.log(
            'warning',
            `blob listener of '${this.#name}' cannot list '${this.pattern.container}': ${describe(err)}; retrying`,
          );
        failing = true;
      }
      await sleepReal(this.deps.pollIntervalMs, signal);
    }
    await Promise.all([...this.#jobs]);
  }

  async #poll(signal: AbortSignal): Promise<void> {
    const prefix = this.pattern.prefix === '' ? undefined : this.pattern.prefix;
    const listing = this.#container.listBlobsFlat({ prefix, abortSignal: signal });
    try {
      for await (const item of listing) {
        if (signal.aborted) return;
        const etag = quotedEtag(item.properties.etag);
        if (this.#known.get(item.name) === etag || this.#inFlight.has(item.name)) continue;
        const parts = this.pattern.match(item.name);
        if (parts === undefined) continue;
        this.#start(item.name, parts, item.properties.lastModified.getTime(), signal);
      }
    } catch (err) {
      // A container that does not exist yet simply has no blobs.
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  #start(blobName: string, parts: Record<string, string>, lastModifiedMs: number, signal: AbortSignal): void {
    this.#inFlight.add(blobName);
    const queued = this.deps.tracker.begin();
    const job = this.#process(blobName, parts, lastModifiedMs, signal)
      .catch((err: unknown) => this.deps.log('error', `blob '${blobName}' of '${this.#name}': ${describe(err)}`))
      .finally(() => {
        this.#inFlight.delete(blobName);
        this.#jobs.delete(job);
        queued();
      });
    this.#jobs.add(job);
  }

  /**
   * Newest blobs first: a backlog found at start-up (thousands of backfilled pictures) waits behind the live ones,
   * as it would in Azure, where Event Grid delivered the backlog's events when it was written.
   */
  async #process(
    blobName: string,
    parts: Record<string, string>,
    lastModifiedMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { maxAttempts, retryBaseDelayMs } = this.deps;
    let etag = '';
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (signal.aborted) return;
      const result = await this.deps.limiter.run(() => this.#attempt(blobName, parts, signal), lastModifiedMs);
      if (result === 'gone') {
        this.#known.delete(blobName);
        return;
      }
      if (result === 'stopped') return;
      etag = result.etag;
      if (result.outcome.ok) {
        this.#known.set(blobName, etag);
        await this.receipts.write(this.#name, this.pattern.container, blobName, etag, 'done');
        return;
      }
      lastError = result.outcome.error ?? 'unknown error';
      if (attempt < maxAttempts) await sleepReal(retryBaseDelayMs * 2 ** (attempt - 1), signal);
    }
    if (signal.aborted) return;
    this.#known.set(blobName, etag);
    this.deps.log(
      'error',
      `blob '${this.pattern.container}/${blobName}' failed ${maxAttempts} times in '${this.#name}' and is poison: ${lastError}`,
    );
    await this.receipts.reportPoison({
      Type: 'BlobTrigger',
      FunctionId: `Host.Functions.${this.#name}`,
      BlobType: 'BlockBlob',
      ContainerName: this.pattern.container,
      BlobName: blobName,
      ETag: etag,
      Attempts: maxAttempts,
      Error: lastError,
      PoisonedAt: this.deps.clock.now().toISOString(),
    });
    await this.receipts.write(this.#name, this.pattern.container, blobName, etag, 'poison');
  }

  /** Downloads the blob and invokes the function with its bytes and the host's trigger metadata. */
  async #attempt(
    blobName: string,
    parts: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ etag: string; outcome: InvocationOutcome } | 'gone' | 'stopped'> {
    if (signal.aborted) return 'stopped';
    const blob = this.#container.getBlobClient(blobName);
    let download: BlobDownloadResponseParsed;
    let bytes: Buffer;
    try {
      download = await blob.download(0, undefined, { abortSignal: signal });
      bytes = await readAll(download.readableStreamBody);
    } catch (err) {
      if (signal.aborted) return 'stopped';
      if ((err as { statusCode?: number }).statusCode === 404) return 'gone';
      throw err;
    }
    const etag = quotedEtag(download.etag);
    const triggerMetadata: Record<string, RpcTypedData> = {
      BlobTrigger: { string: `${this.pattern.container}/${blobName}` },
      Uri: { string: blob.url },
      Properties: { json: JSON.stringify(blobProperties(download, bytes.length)) },
      Metadata: { json: JSON.stringify(download.metadata ?? {}) },
      sys: {
        json: JSON.stringify({
          MethodName: this.#name,
          UtcNow: this.deps.clock.now().toISOString(),
          RandGuid: randomUUID(),
        }),
      },
    };
    for (const [name, value] of Object.entries(parts)) triggerMetadata[name] = { string: value };
    const outcome = await this.deps.invoke(this.fn, {
      data: { bytes },
      triggerMetadata,
      reason: `New blob detected(${this.pattern.container}/${blobName})`,
    });
    return { etag, outcome };
  }
}

/** Blob properties with the names the host serialises (the library camelCases them). */
function blobProperties(d: BlobDownloadResponseParsed, length: number): Record<string, unknown> {
  return {
    BlobType: d.blobType ?? 'BlockBlob',
    CacheControl: d.cacheControl,
    ContentDisposition: d.contentDisposition,
    ContentEncoding: d.contentEncoding,
    ContentLanguage: d.contentLanguage,
    Length: d.contentLength ?? length,
    ContentMD5: d.contentMD5 === undefined ? undefined : Buffer.from(d.contentMD5).toString('base64'),
    ContentType: d.contentType,
    ETag: d.etag,
    Created: d.createdOn?.toISOString(),
    LastModified: d.lastModified?.toISOString(),
    LeaseState: d.leaseState,
    LeaseStatus: d.leaseStatus,
  };
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Listings give ETags bare and responses give them quoted (`"0x8D..."`); compare them in the quoted form. */
function quotedEtag(etag: string | undefined): string {
  if (etag === undefined || etag === '') return '';
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
