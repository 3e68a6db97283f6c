import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SingleBar } from 'cli-progress';
import { progressBar } from './progressBar';
import { siteSchema } from '../shared/config/ForecastConfig';
import type { Forecast } from '../shared/forecast/Forecast';
import { ScaledClock } from '../shared/time/ScaledClock';
import { chooseVirtualStart } from './chooseVirtualStart';
import { readClockState, writeClockState } from './clockState';
import { claimStackLock } from './stackLock';
import { DEFAULT_LOCAL_PORTS, LocalStack, PROJECT_ROOT } from './LocalStack';
import { parseCliArgs } from '../cli/parseCliArgs';
import { describeFirstModel, trainFirstModel } from './trainFirstModel';

const USAGE = `npm start -- [--speed N] [--backfill-days D] [--port P] [--fresh] [--start T]

  --speed N          virtual minutes per real minute (default 60: a 10-minute issue slot every 10 s)
  --backfill-days D  history to fetch on first run (default 14)
  --port P           HTTP port of the local Functions host (default 7071)
  --fresh            delete .local/ first (all stored data, models and forecasts)
  --start T          where a fresh stack's virtual clock starts: an ISO time, "daylight" or "now"; by default the
                     wall clock, or the most recent daylight when it is night at the first site (a stack with data
                     continues from where its clock stopped)`;

const OPTIONS = {
  speed: { type: 'string', default: '60' },
  'backfill-days': { type: 'string', default: '14' },
  port: { type: 'string', default: String(DEFAULT_LOCAL_PORTS.http) },
  fresh: { type: 'boolean', default: false },
  start: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function main(): Promise<void> {
  const { values } = parseCliArgs({ options: OPTIONS }, USAGE);
  if (values.help) return void console.log(USAGE);
  const speed = Number(values.speed);
  const backfillDays = Number(values['backfill-days']);
  const port = Number(values.port);
  if (!(speed >= 1 && speed <= 3600)) throw new Error(`--speed must be a number from 1 to 3600, got "${values.speed}"`);
  if (!(backfillDays >= 0 && backfillDays <= 30))
    throw new Error(`--backfill-days must be from 0 to 30, got "${values['backfill-days']}"`);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port must be a TCP port, got "${values.port}"`);

  const dataDir = join(PROJECT_ROOT, '.local');
  const lockFile = join(dataDir, 'npm-start.lock');
  // Before --fresh deletes anything: the data may belong to a stack that is running.
  claimStackLock(lockFile)();
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
  const releaseLock = claimStackLock(lockFile);
  process.on('exit', releaseLock);
  const clockFile = join(dataDir, 'clock.json');
  const realStartMs = Date.now();
  const previous = readClockState(clockFile);
  const chosen = chooseVirtualStart(
    values.start,
    new Date(realStartMs),
    previous,
    firstSite(join(PROJECT_ROOT, 'config/solar-park.json')),
  );
  const virtualStart = chosen.start;
  if (chosen.note) console.log(chosen.note);
  const clock = new ScaledClock({ virtualStart, realStartMs, speed });
  const t0 = performance.now();
  const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

  console.log(`Local stack: virtual clock at ${virtualStart.toISOString()}, ${speed}x real time. Data in ${dataDir}`);
  let bar: SingleBar | undefined;
  let features: SingleBar | undefined;
  const stack = await LocalStack.start({
    dataDir,
    clock: clock.options,
    backfillDays,
    ports: { ...DEFAULT_LOCAL_PORTS, http: port },
    handleSignals: true,
    onStatus: (line) => console.log(`[${elapsed()}] ${line}`),
    onBackfill: {
      onProgress: (p) => {
        bar ??= progressBar('  backfill [{bar}] {percentage}% | {value}/{total} observations | {eta}s left');
        if (!bar.isActive) bar.start(Math.max(p.expected, 1), 0);
        bar.setTotal(Math.max(p.expected, p.received, 1));
        bar.update(p.received);
      },
      onFeatures: (done, total) => {
        if (bar?.isActive) bar.stop();
        features ??= progressBar('  image features [{bar}] {value}/{total} backfilled pictures | {eta}s left');
        if (!features.isActive && done < total) features.start(total, done);
        features.update(done);
        if (done === total) features.stop();
      },
    },
  });
  bar?.stop();
  features?.stop();

  const saveClock = (): void => writeClockState(clockFile, clock.now());
  const clockTimer = setInterval(saveClock, 5_000);
  process.on('exit', saveClock);

  const sites = stack.services.config.sites.map((s) => s.id);
  const logs = join(dataDir, 'logs');
  console.log(`
[${elapsed()}] Up. The local Functions host serves:
  ${sites.map((s) => `${stack.httpUrl}/api/dashboard?site=${s}   the dashboard (open it in a browser)`).join('\n  ')}
  ${sites.map((s) => `${stack.httpUrl}/api/forecast?site=${s}    the latest forecast as JSON`).join('\n  ')}
  ${stack.httpUrl}/api/health/details   what health knows: stores, sources, models, budget (no key locally; a function key in Azure)
Functions and their triggers are listed at the top of ${join(logs, 'host.log')} (all host and provider logs are there).
New forecasts appear below as the virtual clock issues them. Ctrl-C stops every process this started.
`);

  let lastIssue = '';
  const watch = setInterval(() => {
    void (async () => {
      const res = await fetch(`${stack.httpUrl}/api/forecast?site=${encodeURIComponent(sites[0] ?? '')}`).catch(
        () => undefined,
      );
      if (!res?.ok) return;
      const f = (await res.json()) as Forecast;
      if (f.issueTime === lastIssue) return;
      lastIssue = f.issueTime;
      const leads = f.leads.map((l) => `+${l.leadMinutes}m ${l.value} ${f.target.unit}`).join(', ');
      const ages = f.inputs
        .filter((i) => i.used)
        .map((i) => `${i.source} ${i.ageMinutes} min old`)
        .join(', ');
      console.log(
        `[${elapsed()}] forecast ${f.site} issued ${f.issueTime} by ${f.model.id}: ${leads} (inputs: ${ages})`,
      );
    })();
  }, 1_000);
  process.once('exit', () => {
    clearInterval(watch);
    clearInterval(clockTimer);
  });

  if (!(await stack.services.registry.champion()) && backfillDays > 0) await firstModel(stack, elapsed);
}

/** Trains the first registry version from the backfill, so a new user sees a trained model and not only persistence. */
async function firstModel(stack: LocalStack, elapsed: () => string): Promise<void> {
  const baseline = stack.services.config.target.solar === true ? 'smart persistence' : 'persistence';
  console.log(`[${elapsed()}] training a first model on the backfilled history (${baseline} serves meanwhile)`);
  const bar = progressBar('  training [{bar}] {value}/{total} {step}');
  try {
    const report = await trainFirstModel(stack.services, (step, done, total) => {
      if (!bar.isActive) bar.start(total, 0, { step });
      bar.update(done, { step });
    });
    bar.stop();
    console.log(`[${elapsed()}] ${describeFirstModel(report)}`);
  } catch (err) {
    bar.stop();
    console.log(
      `[${elapsed()}] no first model yet (${(err as Error).message}); ${baseline} keeps serving. Try \`npm run train\` later.`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
  // The process group stops what was started; make sure nothing keeps the event loop alive.
  setTimeout(() => process.exit(1), 20_000).unref();
});

/** The first site of the configuration file (its sites hold no app-setting references). */
function firstSite(configPath: string): { id: string; latitude: number; longitude: number } {
  const raw = JSON.parse(readFileSync(configPath, 'utf8')) as { sites?: unknown[] };
  const site = siteSchema.safeParse(raw.sites?.[0]);
  if (!site.success)
    throw new Error(`${configPath}: sites[0] is not a site (${site.error.issues[0]?.message ?? 'missing'})`);
  return site.data;
}
