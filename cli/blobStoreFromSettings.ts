import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStore } from '../shared/storage/AzureBlobStore';

/** The storage account named by the settings: a connection string locally, the identity (pipeline, app) in Azure. */
export function blobStoreFromSettings(settings: Record<string, string | undefined>): AzureBlobStore {
  const conn = settings['AzureWebJobsStorage'];
  const uri = settings['AzureWebJobsStorage__blobServiceUri'];
  if (!conn && !uri) {
    throw new Error('no storage configured: set AzureWebJobsStorage (or AzureWebJobsStorage__blobServiceUri), or run `npm start` in another terminal first');
  }
  return new AzureBlobStore(conn ? BlobServiceClient.fromConnectionString(conn) : new BlobServiceClient(uri as string, new DefaultAzureCredential()));
}
