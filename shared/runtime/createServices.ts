import { Agent } from 'node:https';
import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import type { BlobServiceClient } from '@azure/storage-blob';
import { AzureMessageQueue } from '../storage/AzureMessageQueue';
import type { MessageQueue } from '../storage/MessageQueue';
import { queueServiceFromSettings } from '../storage/queueServiceFromSettings';
import { blobServiceFromSettings } from '../storage/blobServiceFromSettings';
import type { ForecastConfig } from '../config/ForecastConfig';
import { allowHttpProviders } from '../config/allowHttpProviders';
import { isLoopbackHost } from '../util/isLoopbackHost';
import { loadConfigBySource } from '../config/loadConfig';
import { SourceNotConfiguredError } from '../config/SourceNotConfiguredError';
import { CosmosForecastStore } from '../forecast/CosmosForecastStore';
import type { ForecastStore } from '../forecast/ForecastStore';
import { OnnxModelRuntime } from '../models/OnnxModelRuntime';
import { PersistenceModelSource } from '../predict/PersistenceModelSource';
import { RegistryModelSource } from '../predict/RegistryModelSource';
import { ModelRegistry } from '../registry/ModelRegistry';
import type { ModelSource } from '../predict/ServingModel';
import { StatusStore } from '../storage/StatusStore';
import { ObservationStore } from '../sources/ObservationStore';
import { createProviderAdapter } from '../sources/createProviderAdapter';
import type { ProviderAdapter } from '../sources/ProviderAdapter';
import { AzureBlobStore } from '../storage/AzureBlobStore';
import type { BlobStore } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { clockFromSettings } from '../time/clockFromSettings';
import { readAppSettings } from './AppSettings';
import { ParsedBlobCache } from '../storage/ParsedBlobCache';

/** Longest wait for one Cosmos DB request before it counts as unavailable, ms. */
const COSMOS_REQUEST_TIMEOUT_MS = 10_000;

/** Everything the functions need, built once per process from the app settings. */
export interface Services {
  config: ForecastConfig;
  clock: Clock;
  blobs: BlobStore;
  observations: ObservationStore;
  forecasts: ForecastStore;
  registry: ModelRegistry;
  models: ModelSource;
  status: StatusStore;
  /** The app's Storage queues (predict shards); absent when no queue endpoint is set (`AzureWebJobsStorage__queueServiceUri`). */
  queues?: MessageQueue;
  /** Shards of forecasts and the summary as this instance last wrote them (predict skips parsing them again). */
  parsedBlobs?: ParsedBlobCache;
  /** Sources whose provider refers to unset app settings (health names them; their ingestion fails). */
  brokenSources?: readonly SourceNotConfiguredError[];
  /** The source's provider, through the adapter of its protocol. */
  provider(sourceId: string): ProviderAdapter;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the services from app settings: Azure with a managed identity, or the local emulators by their keys. */
export function createServices(env: Env = process.env): Services {
  const { config, broken } = loadConfigBySource(env);
  const settings = readAppSettings(env);
  const credential =
    !settings.storageConnectionString || !settings.cosmosKey ? new DefaultAzureCredential() : undefined;

  // readAppSettings has checked that one of the two storage settings is there.
  const blobs = new AzureBlobStore(blobServiceFromSettings(env, credential) as BlobServiceClient);

  const cosmosOptions: CosmosClientOptions = settings.cosmosKey
    ? { endpoint: settings.cosmosEndpoint, key: settings.cosmosKey }
    : { endpoint: settings.cosmosEndpoint, aadCredentials: credential };
  // A hung Cosmos DB must not hold an HTTP answer or a predict run for the client's default minute: the callers
  // have a fallback (the blob copy, pending forecasts) that is better used after a few seconds.
  cosmosOptions.connectionPolicy = { requestTimeout: COSMOS_REQUEST_TIMEOUT_MS };
  if (isLoopback(settings.cosmosEndpoint)) {
    // The local Cosmos DB server signs its own certificate; only a loopback endpoint is ever trusted this way.
    cosmosOptions.agent = new Agent({ rejectUnauthorized: false, keepAlive: true });
    cosmosOptions.connectionPolicy = { ...cosmosOptions.connectionPolicy, enableEndpointDiscovery: false };
  }
  const container = new CosmosClient(cosmosOptions)
    .database(settings.cosmosDatabase)
    .container(settings.cosmosContainer);

  const queueService = queueServiceFromSettings(env, credential);
  const clock = clockFromSettings(env);
  const runtime = new OnnxModelRuntime();
  const registry = new ModelRegistry(blobs, clock);
  const brokenById = new Map(broken.map((b) => [b.sourceId, b]));
  const providers = new Map(
    config.sources
      .filter((s) => !brokenById.has(s.id))
      .map((s) => [s.id, createProviderAdapter(s, config, fetch, clock, { allowHttp: allowHttpProviders(env) })]),
  );
  return {
    config,
    clock,
    blobs,
    observations: new ObservationStore(blobs),
    forecasts: new CosmosForecastStore(container),
    registry,
    status: new StatusStore(blobs),
    parsedBlobs: new ParsedBlobCache(),
    ...(queueService ? { queues: new AzureMessageQueue(queueService) } : {}),
    brokenSources: broken,
    models: new RegistryModelSource(registry, runtime, new PersistenceModelSource(config, runtime)),
    provider(sourceId: string): ProviderAdapter {
      const unset = brokenById.get(sourceId);
      if (unset) throw new SourceNotConfiguredError(unset.sourceId, unset.unset);
      const client = providers.get(sourceId);
      if (!client)
        throw new Error(`no configured source "${sourceId}"; expected one of ${[...providers.keys()].join(', ')}`);
      return client;
    },
  };
}

function isLoopback(endpoint: string): boolean {
  return isLoopbackHost(new URL(endpoint).hostname);
}
