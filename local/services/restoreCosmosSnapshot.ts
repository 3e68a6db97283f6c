import type {
  Container,
  ContainerRequest,
  CosmosClient,
  JSONObject,
  OperationInput,
  PartitionKey,
} from '@azure/cosmos';
import type { CosmosSnapshot, JsonObject } from './CosmosSnapshot';

/** What {@link restoreCosmosSnapshot} put back. */
export interface RestoreStats {
  databases: number;
  containers: number;
  documents: number;
}

/** Transactional batch limits of the real service; the local server has none, but smaller requests stay fast. */
const MAX_BATCH_OPERATIONS = 100;
const MAX_BATCH_BYTES = 1_500_000;

/**
 * Recreates databases, containers (with their partition key, defaultTtl, indexing policy) and documents
 * through the public API, into a server that does not have them yet. Documents go in per-partition batches,
 * about ten times faster than one create per document.
 */
export async function restoreCosmosSnapshot(client: CosmosClient, snapshot: CosmosSnapshot): Promise<RestoreStats> {
  const stats: RestoreStats = { databases: 0, containers: 0, documents: 0 };
  for (const databaseSnapshot of snapshot.databases) {
    const { database } = await client.databases.createIfNotExists({ id: databaseSnapshot.id });
    stats.databases += 1;
    for (const { definition, documents } of databaseSnapshot.containers) {
      // The definition came from the server itself, so it is a container request by construction.
      const { container } = await database.containers.createIfNotExists(definition as ContainerRequest);
      stats.containers += 1;
      stats.documents += await restoreDocuments(container, partitionKeyPath(definition), documents);
    }
  }
  return stats;
}

async function restoreDocuments(container: Container, keyPath: string[], documents: JsonObject[]): Promise<number> {
  const byPartition = new Map<string, { key: PartitionKey; documents: JsonObject[] }>();
  let restored = 0;
  for (const document of documents) {
    const value = valueAt(document, keyPath);
    if (!isPartitionKeyValue(value)) {
      // No usable key value (missing or an object): let the SDK derive it, one request per document.
      await container.items.create(document);
      restored += 1;
      continue;
    }
    const group = byPartition.get(JSON.stringify(value)) ?? { key: value, documents: [] };
    group.documents.push(document);
    byPartition.set(JSON.stringify(value), group);
  }
  for (const { key, documents: group } of byPartition.values()) {
    for (const batch of chunks(group)) {
      // Parsed from JSON, so every value is a JSON value.
      const operations: OperationInput[] = batch.map((doc) => ({
        operationType: 'Create',
        resourceBody: doc as JSONObject,
      }));
      const response = await container.items.batch(operations, key);
      const failed = (response.result ?? []).find((op) => op.statusCode >= 400);
      if (response.code !== undefined && response.code >= 400) {
        throw new Error(`restoring ${container.id}: batch failed with HTTP ${response.code}`);
      }
      if (failed) throw new Error(`restoring ${container.id}: a document failed with HTTP ${failed.statusCode}`);
      restored += batch.length;
    }
  }
  return restored;
}

function* chunks(documents: JsonObject[]): Generator<JsonObject[]> {
  let current: JsonObject[] = [];
  let bytes = 0;
  for (const document of documents) {
    const size = JSON.stringify(document).length;
    if (current.length > 0 && (current.length >= MAX_BATCH_OPERATIONS || bytes + size > MAX_BATCH_BYTES)) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(document);
    bytes += size;
  }
  if (current.length > 0) yield current;
}

/** The first partition key path as property names (`/a/b` -> ['a', 'b']); the server only uses the first. */
function partitionKeyPath(definition: JsonObject): string[] {
  const partitionKey = definition.partitionKey;
  const paths =
    typeof partitionKey === 'object' && partitionKey !== null && 'paths' in partitionKey
      ? partitionKey.paths
      : undefined;
  const first: unknown = Array.isArray(paths) ? paths[0] : undefined;
  return typeof first === 'string' ? first.slice(1).split('/') : ['id'];
}

function valueAt(document: JsonObject, path: string[]): unknown {
  let value: unknown = document;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as JsonObject)[key];
  }
  return value;
}

function isPartitionKeyValue(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
