import { loadConfig } from '../../shared/config/loadConfig';
import { clockFromSettings } from '../../shared/time/clockFromSettings';
import { World } from '../world/World';
import { outageBehaviour } from './outageBehaviour';
import { FAULT_SCHEDULE_SETTING, type FaultSchedule, parseFaultSchedule } from './parseFaultSchedule';
import { providerSpecsFromConfig } from './providerSpecsFromConfig';
import { DEFAULT_PROVIDER_OPTIONS, startProviders } from './startProviders';

/**
 * Runs the simulated providers the configuration names (site-meter, neighbors, weather, skycam, nwp; FORECAST_CONFIG,
 * %SETTING% references from the environment) on the shared clock (CLOCK_* settings). WORLD_SEED picks the world (default 42); PROVIDERS_HOST the
 * interface (default: the endpoints' host when they share one, else 127.0.0.1); PROVIDERS_RETENTION_DAYS how much
 * history is served (default 30); PROVIDER_FAULTS a fault schedule, `{ "<source id>": [{ "from": "<ISO>", "to": "<ISO>" }] }`
 * (see parseFaultSchedule: during a window the provider answers 503 and delivers its backlog after it; sources
 * without windows stay reliable). Stops cleanly on SIGINT/SIGTERM.
 */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfig(env);
  const faults = faultSchedule(
    env,
    config.sources.map((s) => s.id),
  );
  const providers = providerSpecsFromConfig(config).map((p) => {
    const windows = faults[p.id] ?? [];
    return windows.length === 0 ? p : { ...p, behaviour: outageBehaviour(windows) };
  });
  const seed = integerSetting(env, 'WORLD_SEED', 42);
  const retentionDays = integerSetting(env, 'PROVIDERS_RETENTION_DAYS', DEFAULT_PROVIDER_OPTIONS.retentionDays);
  const hosts = new Set(config.sources.map((s) => new URL(s.provider.endpoint).hostname));
  const host = env['PROVIDERS_HOST'] || (hosts.size === 1 ? [...hosts][0] : undefined) || DEFAULT_PROVIDER_OPTIONS.host;
  const clock = clockFromSettings(env);
  const world = new World({
    seed,
    sites: config.sites.map((s) => ({ id: s.id, latitude: s.latitude, longitude: s.longitude })),
  });
  const running = await startProviders({ world, clock, providers, host, retentionDays });
  for (const p of providers) {
    console.log(
      `provider ${p.id.padEnd(10)} ${running.urls[p.id] ?? '?'}  (world seed ${seed}, ${world.sites.length} site(s), clock now ${clock.now().toISOString()})`,
    );
  }
  for (const [source, windows] of Object.entries(faults)) {
    for (const w of windows)
      console.log(
        `provider ${source.padEnd(10)} outage ${w.from.toISOString()} .. ${w.to.toISOString()} (${FAULT_SCHEDULE_SETTING})`,
      );
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`providers: ${signal}, closing`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`providers: close failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** The fault schedule of the environment, validated against the configured sources; empty when unset. */
function faultSchedule(env: NodeJS.ProcessEnv, sources: readonly string[]): FaultSchedule {
  const text = env[FAULT_SCHEDULE_SETTING];
  return text === undefined || text.trim() === '' ? {} : parseFaultSchedule(text, sources);
}

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d+$/.test(text)) throw new RangeError(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

main(process.env).catch((err: unknown) => {
  console.error(`providers: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
