import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServices, type Services } from '../shared/runtime/createServices';
import { API_KEY_HEADER } from '../shared/sources/ProviderApi';
import { providerKeyOf } from './providers/providerKeyOf';
import type { ScaledClockOptions } from '../shared/time/ScaledClock';
import { backfill, type BackfillListener } from './backfill';
import { localSettings } from './localSettings';
import { findFreePort } from './services/findFreePort';
import { ProcessGroup } from './services/ProcessGroup';
import { startAzurite } from './services/startAzurite';
import { startCosmos } from './services/startCosmos';
import { waitFor } from './services/waitFor';
import { setupStores } from './setupStores';
import { spawnNodeService } from './spawnNodeService';

export const PROJECT_ROOT = resolve(__dirname, '../..');

/** Options of the whole local stack. */
export interface LocalStackOptions {
  /** Where Azurite, the Cosmos snapshot, the clock and the logs live. */
  dataDir: string;
  /** The virtual clock (its speed and where it starts); without it, the wall clock. */
  clock?: ScaledClockOptions;
  /** Start the local Functions host (default); false leaves the app to another host, e.g. Core Tools' `func start`. */
  functionsHost?: boolean;
  /** Days of history to backfill for sources never ingested before (0 = none). */
  backfillDays: number;
  /** Ports; 0 picks free ones (tests). */
  ports: { http: number; azurite: number; cosmos: number; providers: number[] };
  configPath?: string;
  worldSeed?: number;
  /**
   * The program that serves the configuration's providers (a built .js file), started with every app setting and
   * answering `GET {endpoint}/observations` with the source's key when ready; default the simulated world
   * (`dist/local/providers/serve.js`), e.g. `dist/local/backtest/serveReplay.js` to serve a backtest's history.
   */
  providerScript?: string;
  /** Copy the host's and providers' output to stderr as well as the log files. */
  echoLogs?: boolean;
  /** Stop everything on Ctrl-C/SIGTERM (npm start) rather than leaving it to the caller (tests). */
  handleSignals?: boolean;
  onStatus?: (line: string) => void;
  /** Progress of the backfill: observations read, then backfilled pictures turned into features (onStatus tells the plan). */
  onBackfill?: Omit<BackfillListener, 'onPlan'>;
  /** Extra app settings (tests: faster schedules). */
  settings?: Record<string, string>;
}

/** The stores the local stack runs as processes of their own. */
export type StorageService = 'azurite' | 'cosmos';

export const DEFAULT_LOCAL_PORTS = {
  http: 7071,
  azurite: 10000,
  cosmos: 8081,
  providers: [7101, 7102, 7103, 7104, 7105],
};

/** Azurite, the Cosmos server, the simulated providers and the local Functions host, started together. */
export class LocalStack {
  private constructor(
    private readonly group: ProcessGroup,
    /** The app settings every process got. */
    readonly settings: Record<string, string>,
    /** The app's services, as the start script sees them (for checks and the backfill). */
    readonly services: Services,
    readonly httpUrl: string,
    readonly children: { host: ChildProcess | undefined; providers: ChildProcess },
    private readonly storage: {
      stop: (name: StorageService) => Promise<void>;
      start: (name: StorageService) => Promise<void>;
    },
    /** Restarts the providers with extra settings, e.g. a PROVIDER_FAULTS schedule decided once the stack is up. */
    readonly restartProviders: (settings: Record<string, string>) => Promise<void>,
  ) {}

  static async start(o: LocalStackOptions): Promise<LocalStack> {
    const status = o.onStatus ?? (() => undefined);
    const group = new ProcessGroup({ handleSignals: o.handleSignals ?? false, log: status });
    try {
      const dataDir = resolve(o.dataDir);
      const configPath = resolve(o.configPath ?? join(PROJECT_ROOT, 'config/solar-park.json'));
      status('starting Azurite (Blob and Queue Storage) and the Cosmos DB server');
      const startAzuriteService = (port: number, queuePort?: number) =>
        startAzurite({ dataDir: join(dataDir, 'azurite'), blobPort: port, queuePort, silent: true });
      const startCosmosService = (port: number) =>
        startCosmos({ dataDir: join(dataDir, 'cosmos'), port, silent: true });
      let [azurite, cosmos] = await Promise.all([
        startAzuriteService(o.ports.azurite),
        startCosmosService(o.ports.cosmos),
      ]);
      group.add({ name: 'azurite', stop: () => azurite.stop() });
      group.add({ name: 'cosmos', stop: () => cosmos.stop() });
      await setupStores({
        azuriteConnectionString: azurite.connectionString,
        cosmosEndpoint: cosmos.endpoint,
        cosmosKey: cosmos.key,
      });

      // One provider port per configured source, in the configuration's order (ports.providers[i] is the i-th).
      const sourceIds = configuredSourceIds(configPath);
      const providerPorts = await Promise.all(
        sourceIds.map((_, i) => (o.ports.providers[i] ? o.ports.providers[i] : findFreePort())),
      );
      const providerUrls = Object.fromEntries(sourceIds.map((id, i) => [id, `http://127.0.0.1:${providerPorts[i]}`]));
      const settings = {
        ...localSettings({
          configPath,
          azuriteConnectionString: azurite.connectionString,
          cosmosEndpoint: cosmos.endpoint,
          cosmosKey: cosmos.key,
          providerUrls,
          ...(o.clock ? { clock: o.clock } : {}),
          ...(o.worldSeed !== undefined ? { worldSeed: o.worldSeed } : {}),
        }),
        ...o.settings,
      };
      const env = { ...process.env, ...settings };
      const logs = join(dataDir, 'logs');
      // Command-line tools (npm run train, npm run models) read these to reach the running stack.
      const settingsFile = join(dataDir, 'local.settings.json');
      writeFileSync(settingsFile, JSON.stringify({ IsEncrypted: false, Values: settings }, null, 2), { mode: 0o600 });
      group.add({ name: 'local settings', stop: async () => rmSync(settingsFile, { force: true }) });

      status('starting the simulated providers');
      const services = createServices(env);
      // A providers process of its own, tracked by the group; restartable with other settings (fault schedules).
      const startProviderProcess = async (
        extra: Record<string, string>,
      ): Promise<{ child: ChildProcess; service: { stop(): Promise<void> } }> => {
        const child = spawnNodeService({
          name: 'providers',
          script: o.providerScript ?? join(PROJECT_ROOT, 'dist/local/providers/serve.js'),
          env: { ...env, ...extra },
          logFile: join(logs, 'providers.log'),
          echo: o.echoLogs ?? false,
        });
        const service = group.addProcess('providers', child);
        await Promise.all(
          services.config.sources.map((s) =>
            waitFor(
              async () => {
                // The key goes with this probe: a redirect (answered, not followed) is no sign of a ready provider.
                const res = await fetch(
                  `${s.provider.endpoint}/observations?since=${new Date().toISOString()}&limit=1`,
                  { headers: { [API_KEY_HEADER]: providerKeyOf(s.provider) }, redirect: 'manual' },
                );
                await res.arrayBuffer();
                // A provider in a scheduled outage answers 503: it is up, just failing on purpose.
                return res.ok || res.status === 503 ? true : undefined;
              },
              {
                description: `provider ${s.id} at ${s.provider.endpoint}`,
                timeoutMs: 30_000,
                intervalMs: 100,
                failFast: () =>
                  child.exitCode !== null
                    ? new Error(`the providers exited (code ${child.exitCode}); see ${join(logs, 'providers.log')}`)
                    : undefined,
              },
            ),
          ),
        );
        return { child, service };
      };
      let providers = await startProviderProcess({});

      if (o.backfillDays > 0) {
        const result = await backfill(services, o.backfillDays, {
          ...o.onBackfill,
          onPlan: (sources) =>
            status(
              sources.length > 0
                ? `backfilling up to ${o.backfillDays} days of history of ${sources.join(', ')} from the providers`
                : 'every source has been read before: no backfill, the timers catch up from their watermarks',
            ),
        });
        if (result.ingested.length > 0)
          status(`backfilled ${result.ingested.reduce((n, r) => n + r.stored, 0)} observations`);
        if (result.features)
          status(
            `turned ${result.features.stored} backfilled pictures into features${result.features.quarantined > 0 ? ` (${result.features.quarantined} quarantined)` : ''}`,
          );
      }

      const httpPort = o.ports.http || (await findFreePort());
      const httpUrl = `http://127.0.0.1:${httpPort}`;
      let host: ChildProcess | undefined;
      if (o.functionsHost !== false) {
        status('starting the local Functions host');
        host = spawnNodeService({
          name: 'host',
          script: join(PROJECT_ROOT, 'dist/local/host/run.js'),
          args: ['--port', String(httpPort)],
          env: { ...env, FUNCTIONS_HTTP_PORT: String(httpPort) },
          logFile: join(logs, 'host.log'),
          echo: o.echoLogs ?? false,
        });
        group.addProcess('host', host, 10_000);
        const started = host;
        await waitFor(
          async () => {
            // Liveness: answers once the app is loaded and reads no store, so it says only that the host serves.
            const res = await fetch(`${httpUrl}/api/health`);
            const body = (await res.json().catch(() => undefined)) as { status?: unknown } | undefined;
            if (res.status !== 200 || body?.status !== 'up') throw new Error(`GET /api/health answered ${res.status}`);
            return true;
          },
          {
            description: `the Functions host at ${httpUrl}`,
            timeoutMs: 60_000,
            intervalMs: 100,
            failFast: () =>
              started.exitCode !== null
                ? new Error(`the Functions host exited (code ${started.exitCode}); see ${join(logs, 'host.log')}`)
                : undefined,
          },
        );
      }

      // Stopping and starting a store keeps its port and data folder, as an outage of the real service would.
      const storage = {
        stop: async (name: StorageService): Promise<void> => {
          await (name === 'azurite' ? azurite.stop() : cosmos.stop());
        },
        start: async (name: StorageService): Promise<void> => {
          if (name === 'azurite') azurite = await startAzuriteService(azurite.port, azurite.queuePort);
          else cosmos = await startCosmosService(cosmos.port);
        },
      };
      const restartProviders = async (extra: Record<string, string>): Promise<void> => {
        await providers.service.stop();
        providers = await startProviderProcess(extra);
      };
      return new LocalStack(
        group,
        settings,
        services,
        httpUrl,
        { host, providers: providers.child },
        storage,
        restartProviders,
      );
    } catch (err) {
      await group.stopAll().catch(() => undefined);
      throw err;
    }
  }

  /** Stops Azurite or the Cosmos server, leaving the rest of the stack running (tests of storage outages). */
  stopService(name: StorageService): Promise<void> {
    return this.storage.stop(name);
  }

  /** Starts a stopped Azurite or Cosmos server again, on the same port and with the data it had. */
  startService(name: StorageService): Promise<void> {
    return this.storage.start(name);
  }

  /** Stops every process the stack started, newest first. */
  stop(): Promise<void> {
    return this.group.stopAll();
  }
}

/** The source ids of a configuration file, in its order (settings and ports are made for them before it is validated). */
function configuredSourceIds(configPath: string): string[] {
  const raw = JSON.parse(readFileSync(configPath, 'utf8')) as { sources?: { id?: unknown }[] };
  return (raw.sources ?? []).flatMap((s) => (typeof s.id === 'string' ? [s.id] : []));
}
