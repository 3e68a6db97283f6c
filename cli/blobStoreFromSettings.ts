import { AzureBlobStore } from '../shared/storage/AzureBlobStore';
import { blobServiceFromSettings } from '../shared/storage/blobServiceFromSettings';

/** The storage account named by the settings: a connection string locally, the identity (pipeline, app) in Azure. */
export function blobStoreFromSettings(settings: Record<string, string | undefined>): AzureBlobStore {
  const service = blobServiceFromSettings(settings);
  if (!service) {
    throw new Error(
      'no storage configured: set AzureWebJobsStorage (or AzureWebJobsStorage__blobServiceUri), or run `npm start` in another terminal first',
    );
  }
  return new AzureBlobStore(service);
}
