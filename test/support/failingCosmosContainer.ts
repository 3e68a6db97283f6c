import type { Container } from '@azure/cosmos';

/** A Cosmos DB Container whose every call (upsert, executeBulkOperations, query().fetchAll()) rejects with `err`, as the SDK would. */
export function failingCosmosContainer(err: unknown): Container {
  const reject = async (): Promise<never> => {
    throw err;
  };
  return {
    items: { upsert: reject, executeBulkOperations: reject, query: () => ({ fetchAll: reject }) },
  } as unknown as Container;
}

/** What the SDK throws for an HTTP answer (an `ErrorResponse`): an Error with the status in `code`. */
export function cosmosError(status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code: status, ...extra });
}
