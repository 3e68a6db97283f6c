import { existsSync } from 'node:fs';
import { allowHttpProviders } from '../shared/config/allowHttpProviders';
import { ConfigError } from '../shared/config/ConfigError';
import { loadConfig } from '../shared/config/loadConfig';
import type { SourceConfig } from '../shared/config/ForecastConfig';
import { type DryRunEvent, dryRun, type DryRunSummary } from '../shared/ingest/dryRun';
import { createProviderAdapter } from '../shared/sources/createProviderAdapter';
import { parseRunValueKey } from '../shared/sources/forecastRun';
import type { ReadPlan } from '../shared/sources/ProviderAdapter';
import { clockFromSettings } from '../shared/time/clockFromSettings';
import { EXAMPLE_NAMES, parseServeArgs, startExample } from '../local/examples/serveExample';
import { parseCliArgs, UsageError } from './parseCliArgs';
import { cliSettings, LOCAL_SETTINGS_FILE, PROJECT_ROOT } from './cliSettings';

const USAGE = `npm run provider -- try --config <file> --source <id> [--site <id>] [--from <iso> --to <iso>] [--set NAME=value ...]
npm run provider -- serve-example <${EXAMPLE_NAMES.join('|')}> [--port P] [--key K] [--zone Z] [--last-modified] [--exif]

try            a dry run of one source's provider through the adapter the ingest function runs: it fetches once
               (one page, one window per site, one snapshot per site), prints each parsed observation as a JSON line
               on stdout, each rejected record with its reason on stderr, and a summary line; it stores nothing.
  --config F   the configuration file (default: FORECAST_CONFIG, else config/solar-park.json; without --config the
               running local stack's settings are used, so the shipped configuration reads the simulated providers)
  --source ID  the source to read
  --site ID    only this site
  --from/--to  the window to ask for (ISO 8601 with a zone); default: the last initialLookbackHours up to now
  --set N=V    an app setting the configuration refers to as %N% (repeatable; the environment works too)
serve-example  starts the test server of an example in config/examples/ (answers as the API's documentation shows)

Exit status: 0 when every record was read, 1 when the fetch failed or a record was rejected, 2 for a usage error.`;

/** Where the dry run's lines go. */
export interface ProviderCliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs `provider try`; returns the exit status. */
export async function runProviderTry(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: ProviderCliOutput = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
): Promise<number> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        config: { type: 'string' },
        source: { type: 'string' },
        site: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        set: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const sets: Record<string, string> = {};
  for (const s of values.set ?? []) {
    const eq = s.indexOf('=');
    if (eq <= 0) return usage(io, `--set expects NAME=value, got ${JSON.stringify(s)}`);
    sets[s.slice(0, eq)] = s.slice(eq + 1);
  }
  // A configuration of one's own runs with one's own settings; the shipped one beside the running local stack's.
  const settings = {
    ...(values.config ? { ...env } : cliSettings(env)),
    ...sets,
    ...(values.config ? { FORECAST_CONFIG: values.config } : {}),
  };
  let config;
  try {
    config = loadConfig(settings, PROJECT_ROOT);
  } catch (err) {
    if (err instanceof ConfigError) {
      // The shipped configuration names the simulated providers' settings, which only a running stack provides.
      if (!values.config && !existsSync(LOCAL_SETTINGS_FILE)) {
        io.err(
          'the shipped configuration reads the simulated providers of the local stack, which is not running: start it with `npm start`, or give --config <file> (with --set for the settings it refers to)',
        );
        return 1;
      }
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  if (!values.source)
    return usage(
      io,
      `--source is required; the configuration has ${config.sources.map((s) => `"${s.id}"`).join(', ')}`,
    );
  const source = config.sources.find((s) => s.id === values.source);
  if (!source)
    return usage(
      io,
      `--source ${JSON.stringify(values.source)} is not in the configuration; it has ${config.sources.map((s) => `"${s.id}"`).join(', ')}`,
    );
  if (values.site !== undefined && !config.sites.some((s) => s.id === values.site))
    return usage(
      io,
      `--site ${JSON.stringify(values.site)} is not in the configuration; it has ${config.sites.map((s) => `"${s.id}"`).join(', ')}`,
    );
  if ((values.from === undefined) !== (values.to === undefined))
    return usage(io, 'give both --from and --to, or neither');
  if (source.kind === 'forecast' && values.from !== undefined)
    return usage(
      io,
      `--from and --to do not apply to forecast source "${source.id}": it asks for the forecast now, and its run's runAt comes from provider.response.run`,
    );
  const clock = clockFromSettings(settings);
  const now = clock.now();
  const plan: ReadPlan = {
    watermark: undefined,
    initialSince: new Date(now.getTime() - source.initialLookbackHours * 3_600_000),
    now,
    ...(values.site ? { sites: [values.site] } : {}),
  };
  if (values.from !== undefined && values.to !== undefined) {
    const from = instant(values.from);
    const to = instant(values.to);
    if (!from)
      return usage(
        io,
        `--from ${JSON.stringify(values.from)} is not an ISO 8601 time with a zone, e.g. 2026-06-01T00:00:00Z`,
      );
    if (!to)
      return usage(
        io,
        `--to ${JSON.stringify(values.to)} is not an ISO 8601 time with a zone, e.g. 2026-06-01T06:00:00Z`,
      );
    if (from >= to) return usage(io, `--from ${values.from} must be before --to ${values.to}`);
    plan.window = { from, to };
  }
  const adapter = createProviderAdapter(source, config, fetch, clock, { allowHttp: allowHttpProviders(settings) });
  const summary = await dryRun(source, config, adapter, plan, (e) => print(e, io, source.kind));
  io.err(describe(summary));
  return summary.failure || summary.rejected > 0 ? 1 : 0;
}

function print(e: DryRunEvent, io: ProviderCliOutput, kind: SourceConfig['kind']): void {
  switch (e.kind) {
    case 'request':
      io.err(
        `${e.request}: ${e.records} record(s)${e.withoutValue > 0 ? `, ${e.withoutValue} without a value (skipped)` : ''}, ${e.bytes} bytes`,
      );
      return;
    case 'observation':
      io.out(
        JSON.stringify(
          kind === 'forecast'
            ? { source: e.source, site: e.site, ...describeRun(e.observedAt, e.values), values: e.values }
            : { source: e.source, site: e.site, observedAt: e.observedAt, values: e.values },
        ),
      );
      return;
    case 'picture':
      io.out(JSON.stringify({ source: e.source, site: e.site, observedAt: e.observedAt, image: e.image }));
      return;
    case 'rejected':
      io.err(`rejected: ${e.reason}\n  record: ${e.record}`);
      return;
  }
}

/** A forecast run at a glance: its runAt, how many steps, and the validTimes they span. */
function describeRun(
  runAt: string,
  values: Readonly<Record<string, number>>,
): { runAt: string; steps: number; validFrom: string | null; validTo: string | null } {
  const offsets = [
    ...new Set(
      Object.keys(values)
        .map((k) => parseRunValueKey(k)?.offsetMinutes)
        .filter((o) => o !== undefined),
    ),
  ].sort((a, b) => a - b);
  const at = (o: number | undefined): string | null =>
    o === undefined ? null : new Date(Date.parse(runAt) + o * 60_000).toISOString();
  return { runAt, steps: offsets.length, validFrom: at(offsets[0]), validTo: at(offsets[offsets.length - 1]) };
}

function describe(s: DryRunSummary): string {
  const counts = `${s.requests} request(s), ${s.observations} observation(s), ${s.rejected} rejected, ${s.withoutValue} without a value; nothing stored`;
  if (s.failure)
    return `summary: source "${s.source}" (${s.protocol}): FAILED (${s.failure.code}${s.failure.retryable ? ', retryable' : ''}): ${s.failure.message}; ${counts}`;
  return `summary: source "${s.source}" (${s.protocol}): ${counts}`;
}

function instant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const t = new Date(text);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

function usage(io: ProviderCliOutput, message: string): number {
  io.err(`${message}\n\n${USAGE}`);
  return 2;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'try') {
    process.exitCode = await runProviderTry(rest);
    return;
  }
  if (command === 'serve-example') {
    if (rest.includes('--help') || rest.includes('-h')) return void console.log(USAGE);
    const parsed = (() => {
      try {
        return parseServeArgs(rest);
      } catch (err) {
        throw new UsageError((err as Error).message, USAGE);
      }
    })();
    const { name, opts } = parsed;
    const running = await startExample(name, opts);
    console.log(`example "${name}" answers at ${running.url} (Ctrl-C stops it)`);
    const stop = (): void => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  console.error(
    command === undefined || command === '--help' || command === '-h'
      ? USAGE
      : `unknown command ${JSON.stringify(command)}\n\n${USAGE}`,
  );
  process.exitCode = command === '--help' || command === '-h' ? 0 : 2;
}

if (require.main === module) {
  // `| head` closing the pipe ends the dry run quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`provider: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
