import { QueueServiceClient } from '@azure/storage-queue';
import { HostError } from './HostError';

/**
 * The Queue service named by a binding's `connection`, resolved as blobServiceFromSetting resolves a blob
 * trigger's: the setting, else `AzureWebJobs<connection>`; empty means `AzureWebJobsStorage`. Locally the connection
 * string names Azurite's QueueEndpoint (startAzurite writes it). Errors name the setting, never its value.
 */
export function queueServiceFromSetting(
  connection: string | undefined,
  settings: Readonly<Record<string, string | undefined>>,
  what: string,
): QueueServiceClient {
  const name = connection === undefined || connection === '' ? 'AzureWebJobsStorage' : connection;
  const settingName = [name, `AzureWebJobs${name}`].find((candidate) => (settings[candidate] ?? '') !== '');
  if (settingName === undefined)
    throw new HostError(
      'UNRESOLVED_SETTING',
      `${what}: connection setting "${name}" is not set; set it to a storage connection string (locally: Azurite's, with its QueueEndpoint)`,
    );
  const connectionString = settings[settingName] ?? '';
  try {
    // Short retries: the listener polls again anyway, and a stopped Azurite should be reported in seconds.
    return QueueServiceClient.fromConnectionString(connectionString, {
      retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 60_000 },
    });
  } catch (err) {
    throw new HostError('BAD_BINDING', `${what}: setting "${settingName}" is not a valid storage connection string`, {
      cause: err,
    });
  }
}
