import { BlobServiceClient, type ContainerClient, RestError } from '@azure/storage-blob';
import {
  BlobConflictError,
  type BlobContent,
  type BlobItem,
  type BlobStore,
  type DeleteOptions,
  type PutOptions,
  StorageRefusedError,
  StorageUnavailableError,
} from './BlobStore';

/** BlobStore over Azure Blob Storage (or Azurite): one client, containers cached. */
export class AzureBlobStore implements BlobStore {
  private readonly containers = new Map<string, ContainerClient>();

  constructor(private readonly service: BlobServiceClient) {}

  async putIfAbsent(
    container: string,
    name: string,
    body: Buffer | string,
    options: PutOptions = {},
  ): Promise<boolean> {
    try {
      await this.upload(container, name, body, options, { ifNoneMatch: '*' });
      return true;
    } catch (err) {
      if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) return false;
      throw translate(err, `write ${container}/${name}`);
    }
  }

  async put(container: string, name: string, body: Buffer | string, options: PutOptions = {}): Promise<string> {
    try {
      const res = await this.upload(
        container,
        name,
        body,
        options,
        options.ifMatch ? { ifMatch: options.ifMatch } : {},
      );
      return res.etag ?? '';
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 412) throw new BlobConflictError(container, name);
      throw translate(err, `write ${container}/${name}`);
    }
  }

  async get(container: string, name: string): Promise<BlobContent | undefined> {
    try {
      // One request: the download's response carries the ETag, content type and metadata.
      const res = await this.container(container).getBlockBlobClient(name).download();
      const body = await streamToBuffer(res.readableStreamBody);
      return { body, etag: res.etag ?? '', contentType: res.contentType, metadata: res.metadata ?? {} };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw translate(err, `read ${container}/${name}`);
    }
  }

  async *list(container: string, prefix: string): AsyncIterable<BlobItem> {
    try {
      for await (const item of this.container(container).listBlobsFlat({ prefix, includeMetadata: true })) {
        yield {
          name: item.name,
          etag: item.properties.etag,
          lastModified: item.properties.lastModified,
          size: item.properties.contentLength ?? 0,
          metadata: item.metadata ?? {},
        };
      }
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return;
      throw translate(err, `list ${container}/${prefix}`);
    }
  }

  async delete(container: string, name: string, options: DeleteOptions = {}): Promise<void> {
    try {
      await this.container(container)
        .getBlockBlobClient(name)
        .deleteIfExists(options.ifMatch ? { conditions: { ifMatch: options.ifMatch } } : {});
    } catch (err) {
      // A condition on a blob that is gone fails too (412): gone is what was asked, so only a changed blob conflicts.
      if (err instanceof RestError && err.statusCode === 412) {
        if (!(await this.exists(container, name))) return;
        throw new BlobConflictError(container, name);
      }
      throw translate(err, `delete ${container}/${name}`);
    }
  }

  private async exists(container: string, name: string): Promise<boolean> {
    try {
      return await this.container(container).getBlockBlobClient(name).exists();
    } catch (err) {
      throw translate(err, `read ${container}/${name}`);
    }
  }

  private upload(
    container: string,
    name: string,
    body: Buffer | string,
    options: PutOptions,
    conditions: { ifNoneMatch?: string; ifMatch?: string },
  ) {
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return this.container(container)
      .getBlockBlobClient(name)
      .upload(data, data.length, {
        blobHTTPHeaders: { blobContentType: options.contentType ?? 'application/octet-stream' },
        metadata: options.metadata,
        conditions,
      });
  }

  private container(name: string): ContainerClient {
    let client = this.containers.get(name);
    if (!client) {
      client = this.service.getContainerClient(name);
      this.containers.set(name, client);
    }
    return client;
  }
}

async function streamToBuffer(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * What the SDK threw, as a typed error: a refusal (a 4xx status other than 408 and 429) is a StorageRefusedError;
 * throttling, timeouts, server errors and failures without a status (network) are a StorageUnavailableError.
 */
function translate(err: unknown, what: string): StorageRefusedError | StorageUnavailableError {
  if (err instanceof RestError) {
    if (err.statusCode === undefined || err.statusCode >= 500 || err.statusCode === 408 || err.statusCode === 429) {
      return new StorageUnavailableError(`Blob Storage could not ${what}: ${err.message}`, err);
    }
    return new StorageRefusedError(
      what,
      err.statusCode,
      err.code,
      `Blob Storage refused to ${what} (HTTP ${err.statusCode}, ${err.code ?? 'no code'}): ${err.message}`,
      err,
    );
  }
  if (err instanceof Error) return new StorageUnavailableError(`Blob Storage could not ${what}: ${err.message}`, err);
  return new StorageUnavailableError(`Blob Storage could not ${what}: ${String(err)}`, err);
}
