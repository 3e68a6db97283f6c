import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';

/**
 * The storage account named by the settings: `AzureWebJobsStorage` (a connection string, local) or
 * `AzureWebJobsStorage__blobServiceUri` with an identity (Azure, pipelines). Undefined when neither is set.
 */
export function blobServiceFromSettings(
  settings: Readonly<Record<string, string | undefined>>,
  credential?: TokenCredential,
): BlobServiceClient | undefined {
  const conn = settings['AzureWebJobsStorage'];
  const uri = settings['AzureWebJobsStorage__blobServiceUri'];
  if (conn) return BlobServiceClient.fromConnectionString(conn);
  if (uri) return new BlobServiceClient(uri, credential ?? new DefaultAzureCredential());
  return undefined;
}
