import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { assertPortFree, portInUse } from './assertPortFree';
import { COSMOS_EMULATOR_KEY } from './cosmosEmulatorKey';
import { isCosmosServerMessage } from './CosmosServerMessage';
import { OutputTail } from './OutputTail';
import { ServiceError } from './ServiceError';
import { stopChildProcess } from './stopChildProcess';
import { WaitTimeoutError, waitFor } from './waitFor';

export { cosmosClientOptions } from './cosmosClientOptions';
export { COSMOS_EMULATOR_KEY } from './cosmosEmulatorKey';

/** Options for {@link startCosmos}. */
export interface StartCosmosOptions {
  /** Folder for `cosmos-snapshot.json`; without it the data lives only as long as the process. */
  dataDir?: string;
  /** HTTPS port on 127.0.0.1; 0 lets the server pick a free one. */
  port?: number;
  /** Write a snapshot this often when something changed (and always on SIGTERM/SIGINT). */
  snapshotIntervalMs?: number;
  /** Hide the server's output; when false its lines go to stderr prefixed `[cosmos] `. */
  silent?: boolean;
  /** Give up starting (including the restore) after this long. */
  startTimeoutMs?: number;
  /** After SIGTERM, wait this long for the last snapshot before SIGKILL. */
  stopTimeoutMs?: number;
}

export const DEFAULT_COSMOS_OPTIONS = {
  /** The Cosmos DB emulator's port, so existing local settings keep working. */
  port: 8081,
  /** At most this much work is lost to a crash; an idle server writes nothing. */
  snapshotIntervalMs: 5_000,
  /** Quiet by default: tests and the start script print their own progress. */
  silent: true,
  /** A cold start is about half a second, plus the restore (about 0.1 s per 1,000 documents). */
  startTimeoutMs: 60_000,
  /** Room for the last snapshot of a large data set (10,000 documents take about 0.5 s). */
  stopTimeoutMs: 15_000,
} as const;

const HOST = '127.0.0.1';

/** A running local Cosmos server in its own process. */
export interface CosmosService {
  readonly name: 'cosmos';
  /** `https://127.0.0.1:<port>/` */
  readonly endpoint: string;
  readonly key: string;
  readonly port: number;
  readonly pid: number;
  /** Documents restored from the snapshot at start. */
  readonly restoredDocuments: number;
  /** SIGTERM (the server writes a last snapshot), SIGKILL after the stop timeout; rejects if that snapshot failed. */
  stop(): Promise<void>;
  /** SIGKILL without a last snapshot, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts the Cosmos server child process and resolves once it has restored its data and answers HTTPS. */
export async function startCosmos(options: StartCosmosOptions = {}): Promise<CosmosService> {
  const requestedPort = options.port ?? DEFAULT_COSMOS_OPTIONS.port;
  const silent = options.silent ?? DEFAULT_COSMOS_OPTIONS.silent;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_COSMOS_OPTIONS.startTimeoutMs;
  const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_COSMOS_OPTIONS.stopTimeoutMs;
  const snapshotIntervalMs = options.snapshotIntervalMs ?? DEFAULT_COSMOS_OPTIONS.snapshotIntervalMs;
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);

  // Compiled next to this file: dist/local/services/cosmosServerProcess.js.
  const script = join(__dirname, 'cosmosServerProcess.js');
  if (!existsSync(script)) {
    throw new ServiceError('NOT_INSTALLED', `${script} is missing; build the project first (npm run build)`);
  }
  if (requestedPort !== 0) await assertPortFree(requestedPort, HOST, 'cosmos');
  if (dataDir) await mkdir(dataDir, { recursive: true });

  const args = [
    script,
    '--host',
    HOST,
    '--port',
    String(requestedPort),
    '--snapshot-interval-ms',
    String(snapshotIntervalMs),
  ];
  if (dataDir) args.push('--data-dir', dataDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const output = new OutputTail([child.stdout, child.stderr], {
    forwardTo: silent ? undefined : process.stderr,
    prefix: '[cosmos] ',
  });
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  let ready: { port: number; restoredDocuments: number } | undefined;
  let failure: { code: string | undefined; message: string } | undefined;
  child.on('message', (message: unknown) => {
    if (!isCosmosServerMessage(message)) return;
    if (message.type === 'ready') ready = message;
    else failure = message;
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const failFast = (): Error | undefined => {
    if (spawnError) return spawnError;
    if (child.exitCode === null && child.signalCode === null) return undefined;
    return new ServiceError(
      'EXITED_DURING_START',
      `cosmos server exited during start-up (${child.exitCode ?? child.signalCode})`,
    );
  };
  try {
    const { port, restoredDocuments } = await waitFor(
      async () => (ready && (await answers(ready.port)) ? ready : undefined),
      { description: `cosmos server on ${HOST}:${requestedPort}`, timeoutMs: startTimeoutMs, failFast },
    );
    const exitedBeforeStop = (): boolean => child.exitCode !== null || child.signalCode !== null;
    let stopping: Promise<void> | undefined;
    const stop = async (): Promise<void> => {
      if (exitedBeforeStop()) return;
      const exit = await stopChildProcess(child, { timeoutMs: stopTimeoutMs });
      if (exit.code !== 0) {
        await closed;
        throw new ServiceError(
          'STOP_FAILED',
          `cosmos server did not stop cleanly (${exit.code ?? exit.signal}); its last snapshot may be missing\n` +
            `--- cosmos output ---\n${output.text()}`,
        );
      }
    };
    return {
      name: 'cosmos',
      endpoint: `https://${HOST}:${port}/`,
      key: COSMOS_EMULATOR_KEY,
      port,
      pid: child.pid ?? -1,
      restoredDocuments,
      stop: () => (stopping ??= stop()),
      kill: async () => {
        await stopChildProcess(child, { timeoutMs: 0, signal: 'SIGKILL' });
      },
    };
  } catch (err) {
    await stopChildProcess(child, { timeoutMs: stopTimeoutMs });
    await Promise.race([closed, new Promise((done) => setTimeout(done, 500))]);
    throw startFailure(err, requestedPort, output.text(), spawnError ?? failure);
  }
}

/** True once the server answers GET / over HTTPS (any status). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: HOST, port, path: '/', method: 'GET', agent: false, rejectUnauthorized: false, timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The error to throw: the child's own failure code when it sent one, else what the wait saw. */
function startFailure(
  err: unknown,
  port: number,
  tail: string,
  cause: Error | { code: string | undefined; message: string } | undefined,
): Error {
  if (cause instanceof Error) {
    return new ServiceError('EXITED_DURING_START', `could not spawn the cosmos server: ${cause.message}`, { cause });
  }
  if (cause?.code === 'EADDRINUSE') return portInUse(port, HOST, 'cosmos', err);
  if (cause?.code === 'BAD_SNAPSHOT') return new ServiceError('BAD_SNAPSHOT', cause.message, { cause: err });
  if (err instanceof WaitTimeoutError) {
    return new ServiceError(
      'START_TIMEOUT',
      `cosmos server did not answer: ${err.message}\n--- cosmos output ---\n${tail}`,
      { cause: err },
    );
  }
  if (err instanceof ServiceError && err.code === 'EXITED_DURING_START') {
    return new ServiceError(err.code, `${err.message}\n--- cosmos output ---\n${tail}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
