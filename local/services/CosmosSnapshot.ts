import { ServiceError } from './ServiceError';

/** A JSON object as stored in Cosmos: a container definition or a document. */
export type JsonObject = Record<string, unknown>;

/** Everything in the local Cosmos server, as written to `cosmos-snapshot.json`. */
export interface CosmosSnapshot {
  version: 1;
  /** ISO time the snapshot was read from the server. */
  takenAt: string;
  databases: SnapshotDatabase[];
}

export interface SnapshotDatabase {
  id: string;
  containers: SnapshotContainer[];
}

export interface SnapshotContainer {
  /** The container definition without system properties: id, partitionKey, defaultTtl, indexingPolicy, ... */
  definition: JsonObject & { id: string };
  /** Documents without `_rid/_self/_etag/_ts/_attachments`; ids and bodies as written. */
  documents: JsonObject[];
}

/** Properties the server assigns; they are regenerated on restore. */
const SYSTEM_PROPERTIES = new Set([
  '_rid',
  '_self',
  '_etag',
  '_ts',
  '_attachments',
  '_docs',
  '_sprocs',
  '_triggers',
  '_udfs',
  '_conflicts',
]);

/** A copy of `resource` without the server-assigned properties. */
export function withoutSystemProperties(resource: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(resource).filter(([key]) => !SYSTEM_PROPERTIES.has(key)));
}

/** Parses and checks a snapshot file's text; `source` names the file in errors. */
export function parseCosmosSnapshot(text: string, source: string): CosmosSnapshot {
  const bad = (why: string, cause?: unknown): ServiceError =>
    new ServiceError('BAD_SNAPSHOT', `${source} is not a valid Cosmos snapshot: ${why}`, { cause });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw bad(err instanceof Error ? err.message : 'not JSON', err);
  }
  if (!isObject(value) || value.version !== 1 || !Array.isArray(value.databases)) {
    throw bad('expected { version: 1, databases: [...] }');
  }
  const databases = value.databases.map((db: unknown, i): SnapshotDatabase => {
    if (!isObject(db) || typeof db.id !== 'string' || !Array.isArray(db.containers)) {
      throw bad(`databases[${i}] needs a string id and a containers array`);
    }
    const containers = db.containers.map((container: unknown, j): SnapshotContainer => {
      const where = `databases[${i}].containers[${j}]`;
      if (!isObject(container) || !isObject(container.definition) || !Array.isArray(container.documents)) {
        throw bad(`${where} needs a definition object and a documents array`);
      }
      const { definition, documents } = container;
      if (typeof definition.id !== 'string') throw bad(`${where}.definition.id must be a string`);
      const docs = documents.map((doc: unknown, k): JsonObject => {
        if (!isObject(doc) || typeof doc.id !== 'string') throw bad(`${where}.documents[${k}] needs a string id`);
        return doc;
      });
      return { definition: { ...definition, id: definition.id }, documents: docs };
    });
    return { id: db.id, containers };
  });
  return { version: 1, takenAt: typeof value.takenAt === 'string' ? value.takenAt : '', databases };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
