import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { Clock } from '../../shared/time/Clock';
import type { LoadedFunction } from './AppRegistry';
import { sleepReal } from './clockSleep';
import type { InvocationOutcome, TriggerInput } from './FunctionInvoker';
import type { WorkTracker } from './WorkTracker';
import type { RpcTypedData } from './workerContract';

/** What a queue listener needs from the host. */
export interface QueueTriggerListenerDeps {
  clock: Clock;
  invoke(fn: LoadedFunction, input: TriggerInput): Promise<InvocationOutcome>;
  tracker: WorkTracker;
  log(level: 'information' | 'warning' | 'error', message: string): void;
  /** Real milliseconds between polls of an empty queue. */
  pollIntervalMs: number;
  /** Messages fetched (and run at once) per poll (Azure's `batchSize`: 16). */
  batchSize: number;
  /** Deliveries of a message before it moves to `<queue>-poison` (Azure's `maxDequeueCount`: 5). */
  maxDequeueCount: number;
  /** Real milliseconds a failed message stays invisible before its next delivery (Azure's `visibilityTimeout`). */
  retryDelayMs: number;
  /** Real milliseconds a message being run stays invisible to other pollers. */
  leaseMs: number;
}

/**
 * Drives one queue-trigger function from a Storage queue as the Functions host's queue extension does: receives a
 * batch, runs each message (its text base64-decoded, the host's default `messageEncoding`), deletes it after
 * success, makes it visible again after a failure, and after `maxDequeueCount` deliveries moves it to
 * `<queue>-poison` with an error log.
 */
export class QueueTriggerListener {
  readonly #queue: QueueClient;
  readonly #poison: QueueClient;
  readonly #name: string;

  constructor(
    readonly fn: LoadedFunction,
    readonly queueName: string,
    service: QueueServiceClient,
    private readonly deps: QueueTriggerListenerDeps,
  ) {
    this.#queue = service.getQueueClient(queueName);
    this.#poison = service.getQueueClient(`${queueName}-poison`);
    this.#name = fn.metadata.name;
  }

  /** Polls until `signal` aborts; a batch being run is finished first. */
  async run(signal: AbortSignal): Promise<void> {
    let failing = false;
    while (!signal.aborted) {
      let received = 0;
      try {
        received = await this.#poll(signal);
        if (failing) this.deps.log('information', `queue listener of '${this.#name}' reads '${this.queueName}' again`);
        failing = false;
      } catch (err) {
        if (signal.aborted) break;
        if (!failing)
          this.deps.log(
            'warning',
            `queue listener of '${this.#name}' cannot read '${this.queueName}': ${describe(err)}; retrying`,
          );
        failing = true;
      }
      // A full batch means more may wait: poll again at once, as the host does.
      if (received < this.deps.batchSize) await sleepReal(this.deps.pollIntervalMs, signal);
    }
  }

  /** Receives one batch and runs it; returns how many messages it got. */
  async #poll(signal: AbortSignal): Promise<number> {
    let messages;
    try {
      messages = (
        await this.#queue.receiveMessages({
          numberOfMessages: this.deps.batchSize,
          visibilityTimeout: Math.ceil(this.deps.leaseMs / 1000),
          abortSignal: signal,
        })
      ).receivedMessageItems;
    } catch (err) {
      // A queue that does not exist yet simply has no messages.
      if ((err as { statusCode?: number }).statusCode === 404) return 0;
      throw err;
    }
    await Promise.all(
      messages.map(async (m) => {
        const done = this.deps.tracker.begin();
        try {
          await this.#process(m);
        } catch (err) {
          this.deps.log('error', `queue message ${m.messageId} of '${this.#name}': ${describe(err)}`);
        } finally {
          done();
        }
      }),
    );
    return messages.length;
  }

  async #process(m: {
    messageId: string;
    popReceipt: string;
    messageText: string;
    dequeueCount: number;
    insertedOn: Date;
    expiresOn: Date;
    nextVisibleOn: Date;
  }): Promise<void> {
    const text = decodeBase64(m.messageText);
    const triggerMetadata: Record<string, RpcTypedData> = {
      QueueTrigger: { string: text },
      Id: { string: m.messageId },
      PopReceipt: { string: m.popReceipt },
      DequeueCount: { json: String(m.dequeueCount) },
      InsertionTime: { json: JSON.stringify(m.insertedOn.toISOString()) },
      ExpirationTime: { json: JSON.stringify(m.expiresOn.toISOString()) },
      NextVisibleTime: { json: JSON.stringify(m.nextVisibleOn.toISOString()) },
      sys: { json: JSON.stringify({ MethodName: this.#name, UtcNow: this.deps.clock.now().toISOString() }) },
    };
    const outcome = await this.deps.invoke(this.fn, {
      data: { string: text },
      triggerMetadata,
      reason: `New queue message detected on '${this.queueName}'.`,
    });
    if (outcome.ok) {
      await this.#queue.deleteMessage(m.messageId, m.popReceipt);
      return;
    }
    if (m.dequeueCount >= this.deps.maxDequeueCount) {
      await this.#poison.createIfNotExists();
      await this.#poison.sendMessage(m.messageText);
      await this.#queue.deleteMessage(m.messageId, m.popReceipt);
      this.deps.log(
        'error',
        `message ${m.messageId} failed ${m.dequeueCount} times in '${this.#name}' and was moved to '${this.queueName}-poison': ${outcome.error ?? 'unknown error'}`,
      );
      return;
    }
    await this.#queue.updateMessage(m.messageId, m.popReceipt, undefined, Math.ceil(this.deps.retryDelayMs / 1000));
  }
}

/** The message's text as the host's base64 decoding gives it; text that is not base64 is passed as it is. */
function decodeBase64(text: string): string {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text.replace(/\s/g, '') ? bytes.toString('utf8') : text;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
