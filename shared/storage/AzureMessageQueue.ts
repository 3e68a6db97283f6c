import { type QueueClient, type QueueServiceClient, RestError } from '@azure/storage-queue';
import { StorageRefusedError, StorageUnavailableError } from './BlobStore';
import type { MessageQueue } from './MessageQueue';

/**
 * MessageQueue over Azure Queue Storage (or Azurite's queue service). Messages are sent base64-encoded: the Functions
 * host's queue trigger decodes base64 unless host.json says otherwise (`extensions.queues.messageEncoding`).
 */
export class AzureMessageQueue implements MessageQueue {
  private readonly queues = new Map<string, QueueClient>();

  constructor(private readonly service: QueueServiceClient) {}

  async send(queue: string, message: string): Promise<void> {
    const encoded = Buffer.from(message, 'utf8').toString('base64');
    try {
      await this.queue(queue).sendMessage(encoded);
    } catch (err) {
      // The infrastructure creates the queue; a stack that has not (a fresh Azurite) gets it on first use.
      if (!(err instanceof RestError && err.statusCode === 404)) throw translate(err, `send to queue ${queue}`);
      try {
        await this.queue(queue).createIfNotExists();
        await this.queue(queue).sendMessage(encoded);
      } catch (again) {
        throw translate(again, `send to queue ${queue}`);
      }
    }
  }

  async approximateCount(queue: string): Promise<number> {
    try {
      return (await this.queue(queue).getProperties()).approximateMessagesCount ?? 0;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return 0;
      throw translate(err, `read queue ${queue}`);
    }
  }

  private queue(name: string): QueueClient {
    let client = this.queues.get(name);
    if (!client) {
      client = this.service.getQueueClient(name);
      this.queues.set(name, client);
    }
    return client;
  }
}

/** As AzureBlobStore's: a refusal is a StorageRefusedError; throttling, timeouts and network failures unavailable. */
function translate(err: unknown, what: string): StorageRefusedError | StorageUnavailableError {
  if (err instanceof RestError) {
    if (err.statusCode === undefined || err.statusCode >= 500 || err.statusCode === 408 || err.statusCode === 429)
      return new StorageUnavailableError(`Queue Storage could not ${what}: ${err.message}`, err);
    return new StorageRefusedError(
      what,
      err.statusCode,
      err.code,
      `Queue Storage refused to ${what} (HTTP ${err.statusCode}, ${err.code ?? 'no code'}): ${err.message}`,
      err,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StorageUnavailableError(`Queue Storage could not ${what}: ${message}`, err);
}
