import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadBacktestConfig } from '../../shared/backtest/loadBacktestConfig';
import { readReplays } from '../../shared/backtest/readReplays';
import { replayedAvailability } from '../../shared/backtest/replayedAvailability';
import { ConfigError } from '../../shared/config/ConfigError';
import { clockFromSettings } from '../../shared/time/clockFromSettings';
import { providerKeyOf } from '../providers/providerKeyOf';
import { REPLAY_CONFIG_SETTING, replayProviderHandler } from './replayProviderHandler';

/**
 * Serves a backtest configuration's history as live providers: one HTTP server per source, on the port of that
 * source's endpoint in the forecast configuration (`%SETTING%` references from the environment), each serving at
 * the shared clock's now (CLOCK_* settings) exactly the records the backtest says were available then (the same
 * seed, delays and outages: replayedAvailability), answering 503 during the source's outage windows. The local stack runs it instead of the simulated world
 * (`LocalStack.start({ providerScript })`), so live ingestion and predict can be compared with the backtest slot by
 * slot. Sensor sources only; stops cleanly on SIGINT/SIGTERM.
 */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const file = env[REPLAY_CONFIG_SETTING];
  if (!file) throw new ConfigError(`${REPLAY_CONFIG_SETTING} must name a backtest configuration file`);
  const plan = loadBacktestConfig(file, env);
  const images = plan.sources.filter((s) => s.kind !== 'sensor').map((s) => s.id);
  if (images.length > 0)
    throw new ConfigError(`the replay provider serves sensor sources only; ${images.join(', ')} replay pictures`);
  const replays = await readReplays(plan);
  // Delays and outages: what a provider with that history would have delivered (without outages, the delays alone).
  const { faulted, windows } = replayedAvailability(plan, replays);
  const clock = clockFromSettings(env);
  const servers: Server[] = [];
  for (const source of plan.config.sources) {
    const url = new URL(source.provider.endpoint);
    const server = createServer(
      replayProviderHandler({
        source: source.id,
        site: plan.site,
        records: faulted.get(source.id) ?? [],
        apiKey: providerKeyOf(source.provider),
        clock,
        outages: windows.get(source.id) ?? [],
      }),
    );
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(url.port || 80), url.hostname, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    console.log(
      `replay provider ${source.id.padEnd(10)} http://${url.hostname}:${port}  (${faulted.get(source.id)?.length ?? 0} records of ${plan.name}, seed ${plan.seed}, clock now ${clock.now().toISOString()})`,
    );
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`replay providers: ${signal}, closing`);
    for (const s of servers) s.closeAllConnections();
    Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main(process.env).catch((err: unknown) => {
  console.error(`replay providers: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
