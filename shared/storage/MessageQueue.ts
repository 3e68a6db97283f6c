/** The queues the app uses, in the app's own storage account; created by the infrastructure (and the local stack). */
export const QUEUES = {
  /** One message per predict shard and issue slot; the `predict-shard` function is triggered by it. */
  predictShards: 'predict-shards',
} as const;

/** The queue the Functions host moves a message to after its last failed attempt (`<queue>-poison`). */
export function poisonQueueOf(queue: string): string {
  return `${queue}-poison`;
}

/** The port the app uses for Storage queues; adapter: Azure Queue Storage (and Azurite). */
export interface MessageQueue {
  /** Adds a message, as text; the adapter encodes it the way the Functions host's queue trigger decodes it. */
  send(queue: string, message: string): Promise<void>;
  /** About how many messages wait in the queue (0 when it does not exist). */
  approximateCount(queue: string): Promise<number>;
}
