import type { CosmosClient } from '@azure/cosmos';
import { type CosmosSnapshot, type JsonObject, type SnapshotDatabase, withoutSystemProperties } from './CosmosSnapshot';

/**
 * Reads every database, container and document through the public API. Each container is read in one page
 * (maxItemCount -1), which the server answers from one pass over its map: consistent per container.
 */
export async function takeCosmosSnapshot(client: CosmosClient): Promise<CosmosSnapshot> {
  const takenAt = new Date().toISOString();
  const { resources: databaseDefs } = await client.databases.readAll().fetchAll();
  const databases: SnapshotDatabase[] = [];
  for (const databaseDef of databaseDefs) {
    const database = client.database(databaseDef.id);
    const { resources: containerDefs } = await database.containers.readAll().fetchAll();
    const containers = [];
    for (const containerDef of containerDefs) {
      const { resources } = await database
        .container(containerDef.id)
        .items.readAll<JsonObject & { id: string }>({ maxItemCount: -1 })
        .fetchAll();
      containers.push({
        definition: { ...withoutSystemProperties({ ...containerDef }), id: containerDef.id },
        documents: resources.map(withoutSystemProperties),
      });
    }
    databases.push({ id: databaseDef.id, containers });
  }
  return { version: 1, takenAt, databases };
}
