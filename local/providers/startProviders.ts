import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../shared/time/Clock';
import type { World } from '../world/World';
import { WORLD_SOURCE_IDS } from '../world/WorldSource';
import { createProviderHandler } from './createProviderHandler';
import { ObservationFeed } from './ObservationFeed';
import { RELIABLE_BEHAVIOUR } from './ProviderBehaviour';
import type { ProviderSpec } from './ProviderSpec';

export interface StartProvidersOptions {
  /** The world every provider reports on. */
  world: World;
  /** The providers' now (a shared virtual clock in the local stack, a fixed one in tests). */
  clock: Clock;
  /** Which providers to start. */
  providers: ProviderSpec[];
  /** Interface to listen on. */
  host?: string;
  /** Observations older than this many days are no longer served. */
  retentionDays?: number;
  /** Where unexpected errors are reported. */
  logError?: (message: string) => void;
}

/** Defaults of StartProvidersOptions. */
export const DEFAULT_PROVIDER_OPTIONS = {
  host: '127.0.0.1',
  retentionDays: 30,
} as const;

/** Running providers: base URL per source id and a way to stop them all. */
export interface RunningProviders {
  urls: Record<string, string>;
  close(): Promise<void>;
}

/** Starts one HTTP server per provider; if any cannot listen, stops the ones already started and rejects. */
export async function startProviders(opts: StartProvidersOptions): Promise<RunningProviders> {
  const host = opts.host ?? DEFAULT_PROVIDER_OPTIONS.host;
  const retentionDays = opts.retentionDays ?? DEFAULT_PROVIDER_OPTIONS.retentionDays;
  if (!(retentionDays > 0)) throw new RangeError(`retentionDays must be positive, got ${retentionDays}`);
  checkSpecs(opts.providers);
  const sites = opts.world.sites.map((s) => s.id);
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  const close = async (): Promise<void> => {
    await Promise.all(servers.map(closeServer));
  };
  try {
    for (const spec of opts.providers) {
      const behaviour = spec.behaviour ?? RELIABLE_BEHAVIOUR;
      const feed = new ObservationFeed(opts.world, spec.id, behaviour, retentionDays);
      const server = createServer(
        createProviderHandler({
          feed,
          clock: opts.clock,
          apiKey: spec.apiKey,
          behaviour,
          sites,
          siteLocations: opts.world.sites,
          ...(spec.id === 'skycam' ? { renderImage: (site: string, t: Date) => opts.world.skycamPng(site, t) } : {}),
          logError: opts.logError ?? ((m) => console.error(m)),
        }),
      );
      servers.push(server);
      const port = await listen(server, spec.port, host);
      urls[spec.id] = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { urls, close };
}

function checkSpecs(specs: readonly ProviderSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!WORLD_SOURCE_IDS.includes(spec.id)) {
      throw new RangeError(
        `unknown provider id "${String(spec.id)}"; expected one of ${WORLD_SOURCE_IDS.map((s) => `"${s}"`).join(', ')}`,
      );
    }
    if (seen.has(spec.id)) throw new RangeError(`provider "${spec.id}" is listed twice`);
    seen.add(spec.id);
    if (!Number.isInteger(spec.port) || spec.port < 0 || spec.port > 65535)
      throw new RangeError(`provider "${spec.id}": bad port ${spec.port}`);
    if (spec.apiKey === '') throw new RangeError(`provider "${spec.id}": empty API key`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    // Keep-alive connections would hold close() open until they time out.
    server.closeAllConnections();
  });
}
