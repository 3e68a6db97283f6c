import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { assertPortFree, portInUse } from './assertPortFree';
import { OutputTail } from './OutputTail';
import { ServiceError } from './ServiceError';
import { stopChildProcess } from './stopChildProcess';
import { WaitTimeoutError, waitFor } from './waitFor';

/** Options for {@link startAzurite}. */
export interface StartAzuriteOptions {
  /** Folder Azurite keeps its blobs and metadata in; created if missing. */
  dataDir: string;
  /** Blob port on 127.0.0.1; 0 lets Azurite pick a free one. */
  blobPort?: number;
  /** Hide Azurite's output and access log; when false its lines go to stderr prefixed `[azurite] `. */
  silent?: boolean;
  /** Give up starting after this long. */
  startTimeoutMs?: number;
  /** After SIGTERM, wait this long before SIGKILL. */
  stopTimeoutMs?: number;
}

export const DEFAULT_AZURITE_OPTIONS = {
  /** Azurite's own default, which the Storage tools and docs assume. */
  blobPort: 10000,
  /** Quiet by default: tests and the start script print their own progress. */
  silent: true,
  /** A cold start is about 1.2 s; allow for a loaded CI machine. */
  startTimeoutMs: 30_000,
  /** A clean stop takes under 0.1 s. */
  stopTimeoutMs: 5_000,
} as const;

/** The well-known development account every Azurite install accepts. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const HOST = '127.0.0.1';
const LISTENING_LINE = /successfully listens on https?:\/\/[^\s:]+:(\d+)/;

/** A running Azurite blob service. */
export interface AzuriteService {
  readonly name: 'azurite';
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  /** Connection string for `BlobServiceClient.fromConnectionString`. */
  readonly connectionString: string;
  readonly port: number;
  readonly pid: number;
  /**
   * SIGTERM, then SIGKILL after the stop timeout; resolves once the process has exited. Prefer it to a kill:
   * Azurite saves its metadata every few seconds, so a SIGKILL loses the latest containers and blobs.
   */
  stop(): Promise<void>;
}

/** Starts `azurite-blob` from the project's node_modules and resolves once it answers a list-containers call. */
export async function startAzurite(options: StartAzuriteOptions): Promise<AzuriteService> {
  const requestedPort = options.blobPort ?? DEFAULT_AZURITE_OPTIONS.blobPort;
  const silent = options.silent ?? DEFAULT_AZURITE_OPTIONS.silent;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_AZURITE_OPTIONS.startTimeoutMs;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_AZURITE_OPTIONS.stopTimeoutMs;
  const dataDir = resolve(options.dataDir);

  if (requestedPort !== 0) await assertPortFree(requestedPort, HOST, 'azurite');
  await mkdir(dataDir, { recursive: true });
  const entry = await azuriteBlobEntry();
  const args = [
    entry,
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--location',
    dataDir,
    '--blobHost',
    HOST,
    '--blobPort',
    String(requestedPort),
    ...(silent ? ['--silent'] : []),
  ];
  // Run the bin's JS with our own node: no shell wrapper, so signals reach Azurite itself.
  const child = spawn(process.execPath, args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let listeningPort: number | undefined;
  const output = new OutputTail([child.stdout, child.stderr], {
    forwardTo: silent ? undefined : process.stderr,
    prefix: '[azurite] ',
    onLine: (line) => {
      const match = LISTENING_LINE.exec(line);
      if (match?.[1]) listeningPort = Number(match[1]);
    },
  });
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const failFast = (): Error | undefined => {
    if (spawnError) return spawnError;
    if (child.exitCode === null && child.signalCode === null) return undefined;
    return new ServiceError(
      'EXITED_DURING_START',
      `azurite exited during start-up (${child.exitCode ?? child.signalCode})`,
    );
  };
  try {
    const port = await waitFor(
      async () => {
        // The log line gives the OS's pick for port 0; a fixed port does not depend on its wording.
        const port = listeningPort ?? (requestedPort !== 0 ? requestedPort : undefined);
        if (port === undefined) return undefined;
        await listContainers(connectionStringFor(port));
        return port;
      },
      { description: `azurite on ${HOST}:${requestedPort}`, timeoutMs: startTimeoutMs, failFast },
    );
    const pid = child.pid ?? -1;
    let stopping: Promise<void> | undefined;
    return {
      name: 'azurite',
      blobEndpoint: `http://${HOST}:${port}/${AZURITE_ACCOUNT_NAME}`,
      connectionString: connectionStringFor(port),
      port,
      pid,
      stop: () => (stopping ??= stopChildProcess(child, { timeoutMs: stopTimeoutMs }).then(() => undefined)),
    };
  } catch (err) {
    await stopChildProcess(child, { timeoutMs: stopTimeoutMs });
    await Promise.race([closed, new Promise((done) => setTimeout(done, 500))]);
    throw startFailure(err, requestedPort, output, spawnError);
  }
}

/** The connection string for Azurite's well-known account on `port`. */
function connectionStringFor(port: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
    `BlobEndpoint=http://${HOST}:${port}/${AZURITE_ACCOUNT_NAME};`
  );
}

async function listContainers(connectionString: string): Promise<void> {
  const client = BlobServiceClient.fromConnectionString(connectionString, {
    retryOptions: { maxTries: 1, tryTimeoutInMs: 2_000 },
  });
  await client.listContainers().byPage({ maxPageSize: 1 }).next();
}

/** The JS file behind the `azurite-blob` bin, found from this module's location rather than the cwd. */
async function azuriteBlobEntry(): Promise<string> {
  let manifestPath: string;
  try {
    manifestPath = require.resolve('azurite/package.json');
  } catch (err) {
    throw new ServiceError('NOT_INSTALLED', 'azurite is not installed in the project (npm install azurite)', {
      cause: err,
    });
  }
  const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
  const bin = typeof manifest === 'object' && manifest !== null && 'bin' in manifest ? manifest.bin : undefined;
  const entry = typeof bin === 'object' && bin !== null && 'azurite-blob' in bin ? bin['azurite-blob'] : undefined;
  if (typeof entry !== 'string') {
    throw new ServiceError('NOT_INSTALLED', `${manifestPath} declares no azurite-blob bin`);
  }
  return resolve(dirname(manifestPath), entry);
}

function startFailure(err: unknown, port: number, output: OutputTail, spawnError: Error | undefined): Error {
  const tail = output.text();
  if (/EADDRINUSE/.test(tail)) return portInUse(port, HOST, 'azurite', err);
  if (spawnError)
    return new ServiceError('EXITED_DURING_START', `could not spawn azurite: ${spawnError.message}`, {
      cause: spawnError,
    });
  if (err instanceof WaitTimeoutError) {
    return new ServiceError(
      'START_TIMEOUT',
      `azurite did not answer: ${err.message}\n--- azurite output ---\n${tail}`,
      { cause: err },
    );
  }
  if (err instanceof ServiceError && err.code === 'EXITED_DURING_START') {
    return new ServiceError(err.code, `${err.message}\n--- azurite output ---\n${tail}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
