import type { Clock } from '../../shared/time/Clock';
import { clockFromSettings } from '../../shared/time/clockFromSettings';
import { startIpCameraServer } from './ipCameraServer';
import { startOpenMeteoServer } from './openMeteoServer';
import type { RunningExample } from './RunningExample';
import { startSolarEdgeServer } from './solarEdgeServer';

/** The example providers, by the name the CLI takes. */
export const EXAMPLE_NAMES = ['solaredge', 'open-meteo', 'ip-camera'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

/** Options of startExample. */
export interface ExampleOptions {
  /** Port (0 = a free one). */
  port?: number;
  /** Interface. */
  host?: string;
  /** SolarEdge: the api_key; Open-Meteo: the apikey (none: open access); camera: "user:password". */
  key?: string;
  /** The servers' now (default: CLOCK_* settings, else wall-clock time). */
  clock?: Clock;
  /** SolarEdge: the site's zone; Open-Meteo: what `timezone=auto` resolves to; camera: the zone of EXIF times. */
  timeZone?: string;
  /** Camera: send Last-Modified with the capture time. */
  lastModified?: boolean;
  /** Camera: write the capture time into EXIF (in `timeZone`, default UTC). */
  exif?: boolean;
  /** SolarEdge: answer 410 Gone as the retired V1 API does. */
  retired?: boolean;
}

/** Defaults of ExampleOptions: the keys the README's example configurations use. */
export const DEFAULT_EXAMPLE_OPTIONS = {
  port: 0,
  host: '127.0.0.1',
  keys: { solaredge: 'EXAMPLEKEY0123456789ABCDEFGHIJKL', 'open-meteo': undefined, 'ip-camera': 'viewer:example' },
} as const;

/** Starts one example provider server (see local/examples/API-NOTES.md). */
export function startExample(name: ExampleName, opts: ExampleOptions = {}): Promise<RunningExample> {
  const clock = opts.clock ?? clockFromSettings(process.env);
  const common = { port: opts.port ?? DEFAULT_EXAMPLE_OPTIONS.port, host: opts.host ?? DEFAULT_EXAMPLE_OPTIONS.host };
  const key = opts.key ?? DEFAULT_EXAMPLE_OPTIONS.keys[name];
  switch (name) {
    case 'solaredge':
      return startSolarEdgeServer({
        ...common,
        clock,
        apiKey: key ?? '',
        retired: opts.retired ?? false,
        ...(opts.timeZone === undefined ? {} : { site: { timeZone: opts.timeZone } }),
      });
    case 'open-meteo':
      return startOpenMeteoServer({
        ...common,
        clock,
        ...(key === undefined ? {} : { apiKey: key }),
        ...(opts.timeZone === undefined ? {} : { autoTimeZone: opts.timeZone }),
      });
    case 'ip-camera': {
      const colon = (key ?? '').indexOf(':');
      if (colon <= 0) throw new RangeError('the camera key must be "user:password"');
      return startIpCameraServer({
        ...common,
        clock,
        username: (key ?? '').slice(0, colon),
        password: (key ?? '').slice(colon + 1),
        lastModified: opts.lastModified ?? false,
        ...(opts.exif ? { exifTimeZone: opts.timeZone ?? 'UTC' } : {}),
      });
    }
  }
}

/** Reads `<name> [--port P] [--host H] [--key K] [--zone Z] [--last-modified] [--exif] [--retired]`. */
export function parseServeArgs(argv: readonly string[]): { name: ExampleName; opts: ExampleOptions } {
  const [name, ...rest] = argv;
  if (!EXAMPLE_NAMES.includes(name as ExampleName))
    throw new RangeError(`expected one of ${EXAMPLE_NAMES.join(', ')}, got ${JSON.stringify(name ?? '')}`);
  const opts: ExampleOptions = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new RangeError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') {
      const text = value();
      if (!/^\d{1,5}$/.test(text)) throw new RangeError(`--port must be a number, got "${text}"`);
      opts.port = Number(text);
    } else if (flag === '--host') opts.host = value();
    else if (flag === '--key') opts.key = value();
    else if (flag === '--zone') opts.timeZone = value();
    else if (flag === '--last-modified') opts.lastModified = true;
    else if (flag === '--exif') opts.exif = true;
    else if (flag === '--retired') opts.retired = true;
    else throw new RangeError(`unknown option ${JSON.stringify(flag)}`);
  }
  return { name: name as ExampleName, opts };
}

const USAGE =
  'usage: node dist/local/examples/serveExample.js <solaredge|open-meteo|ip-camera> [--port P] [--host H] [--key K] [--zone Z] [--last-modified] [--exif] [--retired]';

async function main(argv: readonly string[]): Promise<void> {
  const { name, opts } = parseServeArgs(argv);
  const running = await startExample(name, opts);
  console.log(`${name} example listening on ${running.url}`);
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`serve-example: ${err instanceof Error ? err.message : String(err)}`);
    console.error(USAGE);
    process.exitCode = 1;
  });
}
