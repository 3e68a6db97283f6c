import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findFreePort } from '../services/findFreePort';
import { startAzurite } from '../services/startAzurite';
import { startCosmos } from '../services/startCosmos';
import { setupStores } from '../setupStores';
import { benchConfig } from './benchConfig';
import type { BenchOptions } from './BenchOptions';
import type { BenchReport, ColdFigures, PhaseMemory, ThroughputFigures } from './BenchReport';
import type { ColdStartSample } from './ColdStartSample';
import { forkForReply } from './forkForReply';
import { machineInfo } from './machineInfo';
import type { PhaseReply, PhaseRequest, PhaseResults } from './PhaseRequest';
import type { StoreSettings } from './StoreSettings';
import { summarizeLatency } from './summarizeLatency';

/** A phase that takes longer than this is stuck. */
const PHASE_TIMEOUT_MS = 30 * 60_000;

/**
 * The whole benchmark: starts Azurite and the Cosmos server on free ports with their data in a temporary folder,
 * creates the containers, then runs each phase in a child process of its own (populate the history, train and
 * publish, warm predict, cold predict in process, `coldStarts` new processes, throughput per site count) and
 * stops the emulators, also when a phase fails.
 */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const machine = machineInfo();
  const startedAt = new Date();
  const began = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    log('starting Azurite and the Cosmos DB server');
    const [azurite, cosmos] = await Promise.all([
      findFreePort().then((blobPort) => startAzurite({ dataDir: join(dataDir, 'azurite'), blobPort, silent: true })),
      findFreePort().then((port) => startCosmos({ port, silent: true })),
    ]);
    stops.push(
      () => azurite.stop(),
      () => cosmos.stop(),
    );
    const stores: StoreSettings = {
      storageConnectionString: azurite.connectionString,
      cosmosEndpoint: cosmos.endpoint,
      cosmosKey: cosmos.key,
    };
    await setupStores({
      azuriteConnectionString: stores.storageConnectionString,
      cosmosEndpoint: stores.cosmosEndpoint,
      cosmosKey: stores.cosmosKey,
    });

    const memory: PhaseMemory[] = [];
    const wire = { ...options, end: options.end.toISOString() };
    const phase = async <P extends PhaseRequest['phase']>(
      request: PhaseRequest & { phase: P },
    ): Promise<PhaseResults[P]> => {
      const r: PhaseRequest = request;
      const label = r.phase === 'throughput' ? `throughput ${r.sites} site(s), ${r.path}` : r.phase;
      log(`phase: ${label}`);
      const { reply, wallMs } = await forkForReply<PhaseReply>(join(__dirname, 'benchPhase.js'), {
        label: `phase ${label}`,
        message: request,
        timeoutMs: PHASE_TIMEOUT_MS,
      });
      if (!reply.ok) throw new Error(`phase ${label} failed: ${reply.error}`);
      memory.push(reply.memory);
      log(`phase: ${label} done in ${(wallMs / 1000).toFixed(1)} s`);
      return reply.result as PhaseResults[P];
    };

    const history = await phase({ phase: 'populate', stores, options: wire });
    const training = await phase({ phase: 'train', stores, options: wire });
    const warm = await phase({ phase: 'warm', stores, options: wire });
    const inProcess = await phase({ phase: 'cold', stores, options: wire });

    log(`phase: ${options.coldStarts} cold starts in new processes`);
    const starts: ColdStartSample[] = [];
    const { settings } = benchConfig();
    for (let i = 0; i < options.coldStarts; i++) {
      const slot = Math.floor(options.end.getTime() / 600_000) * 600_000;
      const env = {
        ...process.env,
        ...settings,
        AzureWebJobsStorage: stores.storageConnectionString,
        COSMOS_ENDPOINT: stores.cosmosEndpoint,
        COSMOS_KEY: stores.cosmosKey,
        FORECAST_CONFIG: benchConfig().path,
        // The app's shared virtual clock, running at real speed from 30 s into the history's last issue slot.
        CLOCK_SPEED: '1',
        CLOCK_VIRTUAL_START: new Date(slot + 30_000).toISOString(),
        CLOCK_REAL_START: String(Date.now()),
      };
      const { reply } = await forkForReply<{ ok: true; sample: ColdStartSample } | { ok: false; error: string }>(
        join(__dirname, 'coldStartProbe.js'),
        { label: `cold start ${i + 1}`, env, timeoutMs: 5 * 60_000 },
      );
      if (!reply.ok) throw new Error(`cold start ${i + 1} failed: ${reply.error}`);
      starts.push(reply.sample);
    }
    const heaviest = starts.reduce<ColdStartSample | undefined>(
      (a, b) => (a && a.memory.maxRssMb >= b.memory.maxRssMb ? a : b),
      undefined,
    );
    if (heaviest) memory.push({ ...heaviest.memory, phase: `cold start, new process (largest of ${starts.length})` });
    const cold: ColdFigures = {
      inProcess: { total: inProcess.total, modelLoad: inProcess.modelLoad },
      models: inProcess.models,
      processStart: {
        firstForecast: summarizeLatency(starts.map((s) => s.firstForecastMs)),
        modules: summarizeLatency(starts.map((s) => s.modulesMs)),
        services: summarizeLatency(starts.map((s) => s.servicesMs)),
        modelLoad: summarizeLatency(starts.map((s) => s.modelLoadMs)),
        predict: summarizeLatency(starts.map((s) => s.predictMs)),
        secondPredict: summarizeLatency(starts.map((s) => s.secondPredictMs)),
      },
    };

    const throughput: ThroughputFigures[] = [];
    for (const sites of options.sites) {
      if (sites <= options.maxStoreSites)
        throughput.push(await phase({ phase: 'throughput', stores, options: wire, sites, path: 'stores' }));
    }
    for (const sites of options.sites)
      throughput.push(await phase({ phase: 'throughput', stores, options: wire, sites, path: 'memory' }));

    const notes = [...training.notes];
    const busy = machine.loadAverage[0] ?? 0;
    if (busy > machine.cores * 0.5)
      notes.push(
        `The machine was busy when the bench started (load average ${busy} on ${machine.cores} cores): other work shares the CPU, so the latencies are pessimistic.`,
      );
    return {
      machine,
      startedAt: startedAt.toISOString(),
      wallSeconds: Math.round((performance.now() - began) / 100) / 10,
      options: wire,
      history,
      training,
      warm,
      cold,
      throughput,
      memory,
      notes,
    };
  } finally {
    for (const stop of stops.reverse())
      await stop().catch((err: unknown) =>
        log(`could not stop an emulator: ${err instanceof Error ? err.message : String(err)}`),
      );
    rmSync(dataDir, { recursive: true, force: true });
  }
}
