import { BlobServiceClient } from '@azure/storage-blob';
import { HostError } from './HostError';

/**
 * The Blob service named by a binding's `connection`, resolved like the Functions host: the setting itself,
 * else `AzureWebJobs<connection>`; an empty connection means `AzureWebJobsStorage`. Connection strings are
 * secrets, so errors name the setting, never its value.
 */
export function blobServiceFromSetting(
  connection: string | undefined,
  settings: Readonly<Record<string, string | undefined>>,
  what: string,
): { service: BlobServiceClient; settingName: string; connectionString: string } {
  const name = connection === undefined || connection === '' ? 'AzureWebJobsStorage' : connection;
  const candidates = [name, `AzureWebJobs${name}`];
  const settingName = candidates.find((candidate) => (settings[candidate] ?? '') !== '');
  if (settingName === undefined) {
    const identityBased = ['__blobServiceUri', '__serviceUri', '__accountName'].some(
      (suffix) => settings[`${name}${suffix}`],
    );
    const hint = identityBased
      ? 'identity-based connections are not supported by the local host; set it to the Azurite connection string'
      : "set it to a storage connection string (locally: Azurite's)";
    throw new HostError('UNRESOLVED_SETTING', `${what}: connection setting "${name}" is not set; ${hint}`);
  }
  const connectionString = settings[settingName] ?? '';
  try {
    // Short retries: the listener polls again anyway, and a stopped Azurite should be reported in seconds.
    const service = BlobServiceClient.fromConnectionString(connectionString, {
      retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 60_000 },
    });
    return { service, settingName, connectionString };
  } catch (err) {
    throw new HostError('BAD_BINDING', `${what}: setting "${settingName}" is not a valid storage connection string`, {
      cause: err,
    });
  }
}
