import { ConfigError } from '../config/ConfigError';

/** App settings read by the composition root (names as they appear in Azure and in local.settings). */
export interface AppSettings {
  /** Storage connection string (local: Azurite's); or use `blobServiceUri` with a managed identity. */
  storageConnectionString?: string;
  /** Blob endpoint for identity-based access (`AzureWebJobsStorage__blobServiceUri`). */
  blobServiceUri?: string;
  /** Cosmos DB account endpoint. */
  cosmosEndpoint: string;
  /** Cosmos DB key (local emulator only); without it, the managed identity is used. */
  cosmosKey?: string;
  /** Database name. */
  cosmosDatabase: string;
  /** Forecast container name (partition key /site). */
  cosmosContainer: string;
}

export const DEFAULT_APP_SETTINGS = {
  cosmosDatabase: 'forecasting',
  cosmosContainer: 'forecasts',
} as const;

/** Reads and checks the app settings once; a ConfigError names the missing setting. */
export function readAppSettings(env: Readonly<Record<string, string | undefined>> = process.env): AppSettings {
  const get = (k: string): string | undefined => (env[k] === '' ? undefined : env[k]);
  const storageConnectionString = get('AzureWebJobsStorage');
  const blobServiceUri = get('AzureWebJobsStorage__blobServiceUri');
  if (!storageConnectionString && !blobServiceUri) {
    throw new ConfigError(
      'App setting "AzureWebJobsStorage" (connection string) or "AzureWebJobsStorage__blobServiceUri" (identity-based) is required',
    );
  }
  const cosmosEndpoint = get('COSMOS_ENDPOINT');
  if (!cosmosEndpoint)
    throw new ConfigError(
      'App setting "COSMOS_ENDPOINT" is required (the Cosmos DB account endpoint, e.g. https://<account>.documents.azure.com:443/)',
    );
  return {
    ...(storageConnectionString ? { storageConnectionString } : {}),
    ...(blobServiceUri ? { blobServiceUri } : {}),
    cosmosEndpoint,
    ...(get('COSMOS_KEY') ? { cosmosKey: get('COSMOS_KEY') } : {}),
    cosmosDatabase: get('COSMOS_DATABASE') ?? DEFAULT_APP_SETTINGS.cosmosDatabase,
    cosmosContainer: get('COSMOS_CONTAINER') ?? DEFAULT_APP_SETTINGS.cosmosContainer,
  };
}
