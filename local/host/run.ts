import path from 'node:path';
import { clockFromSettings } from '../../shared/time/clockFromSettings';
import { ScaledClock } from '../../shared/time/ScaledClock';
import { formatFunctionList } from './formatFunctionList';
import { FunctionsHost } from './FunctionsHost';
import { HostError } from './HostError';
import { consoleLogSink } from './hostLog';
import { DEFAULT_HOST_OPTIONS } from './HostOptions';

/** Command-line options of the local host. */
interface CliOptions {
  /** App folder (package.json + host.json); default: this project. */
  appRoot: string;
  /** HTTP port (`--port`, FUNCTIONS_HTTP_PORT; default 7071). */
  port: number;
  /** HTTP interface (`--host`, FUNCTIONS_HTTP_HOST; default 127.0.0.1). */
  host: string;
  /** Show debug lines too (`--verbose`). */
  verbose: boolean;
}

const USAGE = 'usage: node dist/local/host/run.js [--app-root <dir>] [--port <n>] [--host <ip>] [--verbose]';

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const options: CliOptions = {
    appRoot: env['FUNCTIONS_APP_ROOT'] || path.resolve(__dirname, '..', '..', '..'),
    port: Number(env['FUNCTIONS_HTTP_PORT'] || DEFAULT_HOST_OPTIONS.httpPort),
    host: env['FUNCTIONS_HTTP_HOST'] || DEFAULT_HOST_OPTIONS.httpHost,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      i += 1;
      return next;
    };
    if (arg === '--app-root') options.appRoot = path.resolve(value());
    else if (arg === '--port') options.port = Number(value());
    else if (arg === '--host') options.host = value();
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--help' || arg === '-h') {
      console.info(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    throw new Error(`port must be 0-65535, got ${options.port}`);
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), process.env);
  const clock = clockFromSettings(process.env);
  const log = consoleLogSink(options.verbose ? 'debug' : 'information');
  // A stray promise or callback in a function must not take the whole host down (the worker logs these too).
  process.on('unhandledRejection', (reason) =>
    log({ time: clock.now(), level: 'error', category: 'system', message: `Unhandled rejection: ${String(reason)}` }),
  );
  process.on('uncaughtException', (err) =>
    log({
      time: clock.now(),
      level: 'error',
      category: 'system',
      message: `Uncaught exception: ${err.stack ?? err.message}`,
    }),
  );

  console.info(`Local Functions host for ${options.appRoot}`);
  if (clock instanceof ScaledClock)
    console.info(`Virtual clock at ${clock.options.speed}x, now ${clock.now().toISOString()}`);
  const host = await FunctionsHost.start({
    appRoot: options.appRoot,
    clock,
    httpPort: options.port,
    httpHost: options.host,
    log,
  });
  console.info(`\n${formatFunctionList(host.functions, host.httpUrl, host.routePrefix)}`);
  console.info('authLevel is not enforced locally (as with Core Tools). Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      console.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.info(`${signal}: stopping (waiting for running invocations)...`);
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stop failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof HostError ? `Host start-up failed (${err.code}): ${err.message}` : err);
  process.exitCode = 1;
});
