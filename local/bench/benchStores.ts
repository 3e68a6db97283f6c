import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { CosmosForecastStore } from '../../shared/forecast/CosmosForecastStore';
import { AzureBlobStore } from '../../shared/storage/AzureBlobStore';
import { DEFAULT_APP_SETTINGS } from '../../shared/runtime/AppSettings';
import { cosmosClientOptions } from '../services/cosmosClientOptions';
import type { StoreSettings } from './StoreSettings';

/** The app's real store adapters over the emulators, with new clients (new connections) each time. */
export interface BenchStores {
  blobs: AzureBlobStore;
  forecasts: CosmosForecastStore;
  /** Closes the Cosmos client's connections. */
  dispose(): void;
}

export function benchStores(s: StoreSettings): BenchStores {
  const cosmos = new CosmosClient(cosmosClientOptions(s.cosmosEndpoint, s.cosmosKey));
  return {
    blobs: new AzureBlobStore(BlobServiceClient.fromConnectionString(s.storageConnectionString)),
    forecasts: new CosmosForecastStore(
      cosmos.database(DEFAULT_APP_SETTINGS.cosmosDatabase).container(DEFAULT_APP_SETTINGS.cosmosContainer),
    ),
    dispose: () => cosmos.dispose(),
  };
}
