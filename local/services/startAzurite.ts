import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { QueueServiceClient, StorageSharedKeyCredential as QueueSharedKeyCredential } from '@azure/storage-queue';
import { assertPortFree, portInUse } from './assertPortFree';
import { OutputTail } from './OutputTail';
import { ServiceError } from './ServiceError';
import { stopChildProcess } from './stopChildProcess';
import { WaitTimeoutError, waitFor } from './waitFor';

/** Options for {@link startAzurite}. */
export interface StartAzuriteOptions {
  /** Folder Azurite keeps its blobs, queues and metadata in; created if missing. */
  dataDir: string;
  /** Blob port on 127.0.0.1; 0 lets Azurite pick a free one. */
  blobPort?: number;
  /** Queue port on 127.0.0.1 (predict's shards); 0 lets Azurite pick a free one. */
  queuePort?: number;
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
  /** Any free port: the connection string names it, and a restart passes the same one again. */
  queuePort: 0,
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

/** A running Azurite: its blob service and its queue service (two processes, stopped together). */
export interface AzuriteService {
  readonly name: 'azurite';
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  /** `http://127.0.0.1:<queuePort>/devstoreaccount1` */
  readonly queueEndpoint: string;
  /** Connection string for `BlobServiceClient.fromConnectionString` and `QueueServiceClient.fromConnectionString`. */
  readonly connectionString: string;
  /** The blob port. */
  readonly port: number;
  readonly queuePort: number;
  /** The blob service's process. */
  readonly pid: number;
  /**
   * SIGTERM, then SIGKILL after the stop timeout; resolves once both processes have exited. Prefer it to a kill:
   * Azurite saves its metadata every few seconds, so a SIGKILL loses the latest containers and blobs.
   */
  stop(): Promise<void>;
}

/**
 * Starts `azurite-blob` and `azurite-queue` from the project's node_modules and resolves once the blob service
 * answers a list-containers call and the queue service a list-queues call.
 */
export async function startAzurite(options: StartAzuriteOptions): Promise<AzuriteService> {
  const requestedPort = options.blobPort ?? DEFAULT_AZURITE_OPTIONS.blobPort;
  const requestedQueuePort = options.queuePort ?? DEFAULT_AZURITE_OPTIONS.queuePort;
  const dataDir = resolve(options.dataDir);
  if (requestedPort !== 0) await assertPortFree(requestedPort, HOST, 'azurite');
  if (requestedQueuePort !== 0) await assertPortFree(requestedQueuePort, HOST, 'azurite (queue)');
  await mkdir(dataDir, { recursive: true });
  // The queue service first: the blob service, which every function needs, answers only when this returns (a
  // restart's caller times the outage by it).
  const queue = await startService('queue', requestedQueuePort, dataDir, options);
  let blob: StartedService;
  try {
    blob = await startService('blob', requestedPort, dataDir, options);
  } catch (err) {
    await queue.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    name: 'azurite',
    blobEndpoint: `http://${HOST}:${blob.port}/${AZURITE_ACCOUNT_NAME}`,
    queueEndpoint: `http://${HOST}:${queue.port}/${AZURITE_ACCOUNT_NAME}`,
    connectionString: connectionStringFor(blob.port, queue.port),
    port: blob.port,
    queuePort: queue.port,
    pid: blob.pid,
    stop: () => (stopping ??= Promise.all([blob.stop(), queue.stop()]).then(() => undefined)),
  };
}

interface StartedService {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns one Azurite service (its own bin) and waits until it answers. */
async function startService(
  kind: 'blob' | 'queue',
  requestedPort: number,
  dataDir: string,
  options: StartAzuriteOptions,
): Promise<StartedService> {
  const silent = options.silent ?? DEFAULT_AZURITE_OPTIONS.silent;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_AZURITE_OPTIONS.startTimeoutMs;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_AZURITE_OPTIONS.stopTimeoutMs;
  const what = kind === 'blob' ? 'azurite' : 'azurite (queue)';
  const entry = await azuriteEntry(`azurite-${kind}`);
  const args = [
    entry,
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--location',
    dataDir,
    `--${kind}Host`,
    HOST,
    `--${kind}Port`,
    String(requestedPort),
    ...(silent ? ['--silent'] : []),
  ];
  // Run the bin's JS with our own node: no shell wrapper, so signals reach Azurite itself.
  const child = spawn(process.execPath, args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let listeningPort: number | undefined;
  const output = new OutputTail([child.stdout, child.stderr], {
    forwardTo: silent ? undefined : process.stderr,
    prefix: `[azurite-${kind}] `,
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
      `${what} exited during start-up (${child.exitCode ?? child.signalCode})`,
    );
  };
  try {
    const port = await waitFor(
      async () => {
        // The log line gives the OS's pick for port 0; a fixed port does not depend on its wording.
        const port = listeningPort ?? (requestedPort !== 0 ? requestedPort : undefined);
        if (port === undefined) return undefined;
        await (kind === 'blob' ? listContainers(port) : listQueues(port));
        return port;
      },
      { description: `${what} on ${HOST}:${requestedPort}`, timeoutMs: startTimeoutMs, failFast },
    );
    let stopping: Promise<void> | undefined;
    return {
      port,
      pid: child.pid ?? -1,
      stop: () => (stopping ??= stopChildProcess(child, { timeoutMs: stopTimeoutMs }).then(() => undefined)),
    };
  } catch (err) {
    await stopChildProcess(child, { timeoutMs: stopTimeoutMs });
    await Promise.race([closed, new Promise((done) => setTimeout(done, 500))]);
    throw startFailure(err, requestedPort, output, spawnError, what);
  }
}

/** The connection string for Azurite's well-known account with its blob and queue ports. */
function connectionStringFor(port: number, queuePort: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};` +
    `BlobEndpoint=http://${HOST}:${port}/${AZURITE_ACCOUNT_NAME};` +
    `QueueEndpoint=http://${HOST}:${queuePort}/${AZURITE_ACCOUNT_NAME};`
  );
}

const ONE_TRY = { retryOptions: { maxTries: 1, tryTimeoutInMs: 2_000 } };

async function listContainers(port: number): Promise<void> {
  const client = new BlobServiceClient(
    `http://${HOST}:${port}/${AZURITE_ACCOUNT_NAME}`,
    new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    ONE_TRY,
  );
  await client.listContainers().byPage({ maxPageSize: 1 }).next();
}

async function listQueues(port: number): Promise<void> {
  const client = new QueueServiceClient(
    `http://${HOST}:${port}/${AZURITE_ACCOUNT_NAME}`,
    new QueueSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    ONE_TRY,
  );
  await client.listQueues().byPage({ maxPageSize: 1 }).next();
}

/** The JS file behind an Azurite bin (`azurite-blob`), found from this module's location rather than the cwd. */
async function azuriteEntry(binName: string): Promise<string> {
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
  const entry =
    typeof bin === 'object' && bin !== null && binName in bin ? (bin as Record<string, unknown>)[binName] : undefined;
  if (typeof entry !== 'string') {
    throw new ServiceError('NOT_INSTALLED', `${manifestPath} declares no ${binName} bin`);
  }
  return resolve(dirname(manifestPath), entry);
}

function startFailure(
  err: unknown,
  port: number,
  output: OutputTail,
  spawnError: Error | undefined,
  what: string,
): Error {
  const tail = output.text();
  if (/EADDRINUSE/.test(tail)) return portInUse(port, HOST, what, err);
  if (spawnError)
    return new ServiceError('EXITED_DURING_START', `could not spawn ${what}: ${spawnError.message}`, {
      cause: spawnError,
    });
  if (err instanceof WaitTimeoutError) {
    return new ServiceError(
      'START_TIMEOUT',
      `${what} did not answer: ${err.message}\n--- ${what} output ---\n${tail}`,
      { cause: err },
    );
  }
  if (err instanceof ServiceError && err.code === 'EXITED_DURING_START') {
    return new ServiceError(err.code, `${err.message}\n--- ${what} output ---\n${tail}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
