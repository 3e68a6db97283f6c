import type { MessageQueue } from '../../shared/storage/MessageQueue';

/** Queues in memory, for handler tests: what was sent, in order, per queue. */
export class MemoryMessageQueue implements MessageQueue {
  readonly sent = new Map<string, string[]>();

  async send(queue: string, message: string): Promise<void> {
    this.sent.set(queue, [...(this.sent.get(queue) ?? []), message]);
  }

  async approximateCount(queue: string): Promise<number> {
    return this.sent.get(queue)?.length ?? 0;
  }

  /** Takes every message of the queue, oldest first. */
  drain(queue: string): string[] {
    const messages = this.sent.get(queue) ?? [];
    this.sent.delete(queue);
    return messages;
  }
}
