import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { CONTAINERS } from '../shared/storage/BlobStore';
import { cosmosClientOptions } from './services/cosmosClientOptions';

/**
 * Creates the containers, database and forecast container the app expects. In Azure the infrastructure creates
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
  const cosmos = new CosmosClient(cosmosClientOptions(s.cosmosEndpoint, s.cosmosKey));
  const { database } = await cosmos.databases.createIfNotExists({ id: s.database ?? 'forecasting' });
  await database.containers.createIfNotExists({ id: s.container ?? 'forecasts', partitionKey: { paths: ['/site'] } });
  cosmos.dispose();
}
