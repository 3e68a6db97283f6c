import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { QueueServiceClient } from '@azure/storage-queue';

/**
 * The queue service of the app's storage account: from `AzureWebJobsStorage` (a connection string, local) or
 * `AzureWebJobsStorage__queueServiceUri` with an identity (Azure). Undefined when neither is set.
 */
export function queueServiceFromSettings(
  settings: Readonly<Record<string, string | undefined>>,
  credential?: TokenCredential,
): QueueServiceClient | undefined {
  const conn = settings['AzureWebJobsStorage'];
  const uri = settings['AzureWebJobsStorage__queueServiceUri'];
  if (conn) return QueueServiceClient.fromConnectionString(conn);
  if (uri) return new QueueServiceClient(uri, credential ?? new DefaultAzureCredential());
  return undefined;
}
