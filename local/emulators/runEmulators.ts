import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../cli/parseCliArgs';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { DEFAULT_LOCAL_PORTS, LocalStack, PROJECT_ROOT } from '../LocalStack';
import { claimStackLock } from '../stackLock';
import { BlobEventRelay, DEFAULT_BLOB_EVENT_RELAY_OPTIONS } from './BlobEventRelay';
import {
  coreToolsSettings,
  ForeignSettingsFileError,
  ownsSettingsFile,
  writeCoreToolsSettings,
} from './coreToolsSettings';

const USAGE = `npm run emulators -- [--backfill-days D] [--func-port P] [--no-relay] [--fresh]

Starts Azurite, the Cosmos DB server and the simulated providers (no Functions host), on the wall clock, and writes
local.settings.json at the project root with every app setting the app needs against them, so that Core Tools'
\`func start\` (or your editor's debugger) runs the same app as \`npm start\` does.

  --backfill-days D  history to fetch on first run, with the pictures' features (default 14; 0 for none)
  --func-port P      the port \`func start\` listens on (default 7071): local.settings.json sets it, and the relay
                     delivers new pictures there
  --no-relay         do not stand in for Event Grid: preprocess-image then runs only when you call it
  --fresh            delete .local/ first (all stored data, models and forecasts)
  -h, --help         this text`;

async function main(): Promise<void> {
  const { values } = parseCliArgs(
    {
      options: {
        'backfill-days': { type: 'string', default: '14' },
        'func-port': { type: 'string', default: String(DEFAULT_LOCAL_PORTS.http) },
        'no-relay': { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const backfillDays = Number(values['backfill-days']);
  const funcPort = Number(values['func-port']);
  if (!(backfillDays >= 0 && backfillDays <= 30))
    throw new Error(`--backfill-days must be from 0 to 30, got "${values['backfill-days']}"`);
  if (!Number.isInteger(funcPort) || funcPort < 1 || funcPort > 65535)
    throw new Error(`--func-port must be a TCP port, got "${values['func-port']}"`);

  const settingsFile = join(PROJECT_ROOT, 'local.settings.json');
  if (!ownsSettingsFile(settingsFile)) throw new ForeignSettingsFileError(settingsFile);
  const dataDir = join(PROJECT_ROOT, '.local');
  const lockFile = join(dataDir, 'npm-start.lock');
  claimStackLock(lockFile)();
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
  process.on('exit', claimStackLock(lockFile));

  const stack = await LocalStack.start({
    dataDir,
    backfillDays,
    functionsHost: false,
    ports: { ...DEFAULT_LOCAL_PORTS, http: funcPort },
    handleSignals: true,
    onStatus: (line) => console.log(line),
  });
  writeCoreToolsSettings(settingsFile, coreToolsSettings(stack.settings, funcPort));
  process.on('exit', () => {
    if (ownsSettingsFile(settingsFile)) rmSync(settingsFile, { force: true });
  });
  console.log(`
Emulators up (wall clock). ${settingsFile} holds the app settings against them; in another terminal:
  func start           # Core Tools runs the app: timers, HTTP on http://localhost:${funcPort}/api/
  npm run train        # once the backfill is in, as with npm start
Ctrl-C here stops the emulators and removes local.settings.json.`);

  if (values['no-relay']) return;
  const relay = new BlobEventRelay(stack.services.blobs, {
    ...DEFAULT_BLOB_EVENT_RELAY_OPTIONS,
    container: CONTAINERS.images,
    hostUrl: `http://localhost:${funcPort}`,
  });
  const stop = new AbortController();
  process.once('exit', () => stop.abort());
  console.log(
    `Standing in for Event Grid: each new manifest of an ingest page's pictures in ${CONTAINERS.images}/${DEFAULT_BLOB_EVENT_RELAY_OPTIONS.prefix} runs preprocess-image on http://localhost:${funcPort}.`,
  );
  let lastError = '';
  await relay.run(stop.signal, (p) => {
    if (p.delivered.length > 0) console.log(`relayed ${p.delivered.length} new manifest(s) to preprocess-image`);
    if (p.error && p.error !== lastError) console.log(`relay: ${p.error}; ${p.pending} manifest(s) wait`);
    lastError = p.error ?? '';
  });
}

main().catch((err: unknown) => {
  console.error(`npm run emulators failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 20_000).unref();
});
