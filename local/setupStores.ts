import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { CONTAINERS } from '../shared/storage/BlobStore';
import { poisonQueueOf, QUEUES } from '../shared/storage/MessageQueue';
import { cosmosClientOptions } from './services/cosmosClientOptions';

/**
 * Creates the containers, queues, database and forecast container the app expects. In Azure the infrastructure creates
 * them; the app itself never does (its identity has data-plane rights only).
 */
export async function setupStores(s: {
  azuriteConnectionString: string;
  cosmosEndpoint: string;
  cosmosKey: string;
  database?: string;
  container?: string;
}): Promise<void> {
  const blobs = BlobServiceClient.fromConnectionString(s.azuriteConnectionString);
  await Promise.all(Object.values(CONTAINERS).map((c) => blobs.getContainerClient(c).createIfNotExists()));
  // The queues where Azurite serves them (startAzurite does); a blob-only connection string has none to make.
  if (/QueueEndpoint=/i.test(s.azuriteConnectionString)) {
    const queues = QueueServiceClient.fromConnectionString(s.azuriteConnectionString);
    const names = Object.values(QUEUES).flatMap((q) => [q, poisonQueueOf(q)]);
    await Promise.all(names.map((q) => queues.getQueueClient(q).createIfNotExists()));
  }
  const cosmos = new CosmosClient(cosmosClientOptions(s.cosmosEndpoint, s.cosmosKey));
  const { database } = await cosmos.databases.createIfNotExists({ id: s.database ?? 'forecasting' });
  await database.containers.createIfNotExists({ id: s.container ?? 'forecasts', partitionKey: { paths: ['/site'] } });
  cosmos.dispose();
}
