import path from 'node:path';
import type { Clock } from '../../../shared/time/Clock';
import { ScaledClock } from '../../../shared/time/ScaledClock';
import type { InvocationEvent } from '../../../local/host/FunctionInvoker';
import { FunctionsHost } from '../../../local/host/FunctionsHost';
import type { HostLogEntry } from '../../../local/host/hostLog';
import type { HostOptions } from '../../../local/host/HostOptions';

/** The fixture app (plain JS, not compiled), seen from dist/test/local/host. */
export const FIXTURE_APP = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'app');

/** A connection string to a port nothing listens on, for tests that do not exercise the blob trigger. */
export const UNREACHABLE_STORAGE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;';

/** Settings under which the fixture app starts: a yearly tick and unreachable storage. */
export const FIXTURE_SETTINGS: Readonly<Record<string, string>> = {
  TICK_SCHEDULE: '0 0 0 1 1 *',
  FIXTURE_STORAGE: UNREACHABLE_STORAGE,
};

/** A host on the fixture app that records its log lines and invocations. */
export interface FixtureHost {
  host: FunctionsHost;
  clock: Clock;
  logs: HostLogEntry[];
  events: InvocationEvent[];
  /** Parsed JSON of the user log lines that start with `tag ` (the fixture logs `tag {json}`). */
  reports<T>(tag: string, functionName?: string): T[];
}

/** A clock 600 times faster than real time, from a round virtual instant. */
export function fastClock(virtualStart = new Date('2024-01-01T00:00:00Z'), speed = 600): ScaledClock {
  return new ScaledClock({ virtualStart, realStartMs: Date.now(), speed });
}

export async function startFixtureHost(options: Partial<HostOptions> = {}): Promise<FixtureHost> {
  const logs: HostLogEntry[] = [];
  const events: InvocationEvent[] = [];
  const clock = options.clock ?? fastClock();
  const host = await FunctionsHost.start({
    appRoot: FIXTURE_APP,
    clock,
    httpPort: 0,
    blobPollIntervalMs: 60_000,
    settings: FIXTURE_SETTINGS,
    log: (entry) => logs.push(entry),
    ...options,
  });
  host.on('invocation', (e) => events.push(e));
  return {
    host,
    clock,
    logs,
    events,
    reports<T>(tag: string, functionName?: string): T[] {
      return logs
        .filter(
          (e) =>
            e.category === 'user' &&
            e.message.startsWith(`${tag} `) &&
            (functionName === undefined || e.functionName === functionName),
        )
        .map((e) => JSON.parse(e.message.slice(tag.length + 1)) as T);
    },
  };
}

/** Polls `check` every 10 ms until it is true; fails after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
