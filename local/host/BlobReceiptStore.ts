import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';

/** Container where the Functions host keeps its bookkeeping. */
export const HOSTS_CONTAINER = 'azure-webjobs-hosts';
/** Where blobs that failed every attempt are reported (a queue in Azure, a container of JSON lines here). */
export const POISON_CONTAINER = 'webjobs-blobtrigger-poison';

/** How a blob's processing ended. */
export type ReceiptStatus = 'done' | 'poison';

/** The message recorded for a poison blob: the fields of Azure's poison-queue message plus the failure. */
export interface PoisonMessage {
  Type: 'BlobTrigger';
  FunctionId: string;
  BlobType: string;
  ContainerName: string;
  BlobName: string;
  ETag: string;
  Attempts: number;
  Error: string;
  PoisonedAt: string;
}

/**
 * Blob receipts kept in storage, as the Functions host keeps them: blob
 * `blobreceipts/<hostId>/<function>/<container>/<blob>` in `azure-webjobs-hosts` holds the ETag that was
 * processed, so a restarted host does not process the same version again.
 */
export class BlobReceiptStore {
  readonly #hosts: ContainerClient;
  readonly #poison: ContainerClient;
  #hostsReady: Promise<unknown> | undefined;
  #poisonReady: Promise<unknown> | undefined;

  constructor(
    service: BlobServiceClient,
    readonly hostId: string,
  ) {
    this.#hosts = service.getContainerClient(HOSTS_CONTAINER);
    this.#poison = service.getContainerClient(POISON_CONTAINER);
  }

  receiptPrefix(functionName: string, container: string): string {
    return `blobreceipts/${this.hostId}/${functionName}/${container}/`;
  }

  /** Blob name -> processed ETag for one function and container (one listing, not one read per blob). */
  async load(functionName: string, container: string, abortSignal?: AbortSignal): Promise<Map<string, string>> {
    const prefix = this.receiptPrefix(functionName, container);
    const receipts = new Map<string, string>();
    if (!(await this.#hosts.exists({ abortSignal }))) return receipts;
    for await (const item of this.#hosts.listBlobsFlat({ prefix, includeMetadata: true, abortSignal })) {
      const etag = item.metadata?.['sourceetag'];
      if (etag !== undefined) receipts.set(item.name.slice(prefix.length), etag);
    }
    return receipts;
  }

  async write(
    functionName: string,
    container: string,
    blobName: string,
    etag: string,
    status: ReceiptStatus,
  ): Promise<void> {
    this.#hostsReady ??= this.#hosts.createIfNotExists().catch((err: unknown) => {
      this.#hostsReady = undefined;
      throw err;
    });
    await this.#hostsReady;
    const blob = this.#hosts.getBlockBlobClient(this.receiptPrefix(functionName, container) + blobName);
    await blob.upload(etag, Buffer.byteLength(etag), { metadata: { sourceetag: etag, status } });
  }

  /** Appends one JSON line to `webjobs-blobtrigger-poison/<hostId>.jsonl`. */
  async reportPoison(message: PoisonMessage): Promise<void> {
    const log = this.#poison.getAppendBlobClient(`${this.hostId}.jsonl`);
    this.#poisonReady ??= this.#poison
      .createIfNotExists()
      .then(() => log.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } }))
      .catch((err: unknown) => {
        this.#poisonReady = undefined;
        throw err;
      });
    await this.#poisonReady;
    const line = `${JSON.stringify(message)}\n`;
    await log.appendBlock(line, Buffer.byteLength(line));
  }
}
