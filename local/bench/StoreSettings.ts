/** How a bench process reaches the emulators the orchestrator started. */
export interface StoreSettings {
  /** Azurite's connection string. */
  storageConnectionString: string;
  /** The local Cosmos server's HTTPS endpoint and key. */
  cosmosEndpoint: string;
  cosmosKey: string;
}
