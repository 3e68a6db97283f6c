import { Agent } from 'node:https';
import type { CosmosClientOptions } from '@azure/cosmos';
import { ServiceError } from './ServiceError';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Client options for the local Cosmos server. Its bundled certificate is self-signed (and expired since 2021,
 * so it cannot be pinned), hence an agent that skips verification: scoped to this client only, and refused
 * for any endpoint that is not on the loopback interface.
 */
export function cosmosClientOptions(endpoint: string, key: string): CosmosClientOptions {
  const { hostname, protocol } = new URL(endpoint);
  if (protocol !== 'https:' || !LOOPBACK_HOSTS.has(hostname)) {
    throw new ServiceError(
      'NOT_LOCAL_ENDPOINT',
      `cosmosClientOptions only serves the local server on https loopback, not ${endpoint}`,
    );
  }
  return {
    endpoint,
    key,
    agent: new Agent({ rejectUnauthorized: false, keepAlive: true }),
    // The server advertises its own address; discovery would only add a metadata round trip.
    connectionPolicy: { enableEndpointDiscovery: false },
  };
}
