/**
 * Child-process entry for the local Cosmos server (started by startCosmos with process.execPath).
 * The server is in-memory; with --data-dir it restores `cosmos-snapshot.json` before taking traffic,
 * writes a snapshot every --snapshot-interval-ms when something changed, and a last one on SIGTERM/SIGINT
 * or when the parent's IPC channel closes.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { cosmosClientOptions } from './cosmosClientOptions';
import { COSMOS_EMULATOR_KEY } from './cosmosEmulatorKey';
import { CosmosRequestGate, INTERNAL_REQUEST_HEADER } from './CosmosRequestGate';
import type { CosmosServerMessage } from './CosmosServerMessage';
import { COSMOS_SNAPSHOT_FILE, CosmosSnapshotFile } from './CosmosSnapshotFile';
import { restoreCosmosSnapshot } from './restoreCosmosSnapshot';
import { takeCosmosSnapshot } from './takeCosmosSnapshot';

interface ChildConfig {
  host: string;
  port: number;
  dataDir: string | undefined;
  snapshotIntervalMs: number;
}

function readConfig(argv: string[]): ChildConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8081' },
      'data-dir': { type: 'string' },
      'snapshot-interval-ms': { type: 'string', default: '5000' },
    },
  });
  const port = Number(values.port);
  const snapshotIntervalMs = Number(values['snapshot-interval-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (!(snapshotIntervalMs > 0))
    throw new Error(`--snapshot-interval-ms must be positive, got ${values['snapshot-interval-ms']}`);
  return { host: values.host ?? '127.0.0.1', port, dataDir: values['data-dir'], snapshotIntervalMs };
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2));
  // Keep-alive makes requests 3-4x faster. Node drops idle sockets after 5 s by default, which races with
  // clients reusing them (the SDK does not retry writes on ECONNRESET); 10 minutes makes that race negligible.
  const server = createHttpsServer({ keepAlive: true });
  server.keepAliveTimeout = 600_000;
  const gate = new CosmosRequestGate(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : config.port);
    });
  });
  const client = new CosmosClient({
    ...cosmosClientOptions(`https://${config.host}:${port}/`, COSMOS_EMULATOR_KEY),
    defaultHeaders: { [INTERNAL_REQUEST_HEADER]: '1' },
  });

  const file = config.dataDir ? new CosmosSnapshotFile(join(config.dataDir, COSMOS_SNAPSHOT_FILE)) : undefined;
  const restoreStarted = Date.now();
  await file?.removeStaleTemps();
  const snapshot = await file?.read();
  const restored = snapshot ? await restoreCosmosSnapshot(client, snapshot) : undefined;
  await client.databases.readAll().fetchAll(); // answers through the full stack before we say ready
  const restoreMs = Date.now() - restoreStarted;
  gate.takeDirty(); // the restore's own writes are already on disk
  gate.open();

  let inFlight: Promise<void> | undefined;
  const snapshotNow = async (): Promise<void> => {
    if (!file) return;
    try {
      await file.write(await takeCosmosSnapshot(client));
    } catch (err) {
      gate.markDirty();
      throw err;
    }
  };
  const snapshotIfDirty = (): Promise<void> => {
    if (inFlight || !gate.takeDirty()) return inFlight ?? Promise.resolve();
    inFlight = snapshotNow().finally(() => (inFlight = undefined));
    return inFlight;
  };
  const timer = file
    ? setInterval(
        () => snapshotIfDirty().catch((err) => console.error('cosmos snapshot failed:', err)),
        config.snapshotIntervalMs,
      )
    : undefined;

  let shuttingDown = false;
  const shutdown = async (why: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    clearInterval(timer);
    gate.close();
    let code = 0;
    try {
      await inFlight?.catch(() => undefined);
      await snapshotIfDirty();
    } catch (err) {
      console.error(`cosmos final snapshot failed (${why}):`, err);
      code = 1;
    }
    server.close();
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('disconnect', () => void shutdown('parent disconnected'));

  const ready: CosmosServerMessage = { type: 'ready', port, restoredDocuments: restored?.documents ?? 0, restoreMs };
  process.send?.(ready);
  console.log(
    `cosmos server ready on https://${config.host}:${port}/ (restored ${ready.restoredDocuments} documents in ${restoreMs} ms)`,
  );
}

main().catch((err: unknown) => {
  console.error('cosmos server failed to start:', err instanceof Error ? (err.stack ?? err.message) : err);
  const code =
    typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  const failed: CosmosServerMessage = {
    type: 'failed',
    code,
    message: err instanceof Error ? err.message : String(err),
  };
  // Exit once the message is flushed to the parent (or at once without an IPC channel).
  if (process.send) process.send(failed, () => process.exit(1));
  else process.exit(1);
  setTimeout(() => process.exit(1), 1_000).unref();
});
