// A bench phase in a process of its own, so its peak memory is its own: `forkForReply` sends a PhaseRequest, this
// answers one PhaseReply and exits.
import { benchConfig } from './benchConfig';
import type { BenchOptions } from './BenchOptions';
import { benchPredictCold } from './benchPredictCold';
import { benchPredictWarm } from './benchPredictWarm';
import { benchStores } from './benchStores';
import { benchThroughput } from './benchThroughput';
import { benchTrain } from './benchTrain';
import { PeakMemory } from './PeakMemory';
import type { PhaseReply, PhaseRequest } from './PhaseRequest';
import { populateHistory } from './populateHistory';

process.once('message', (raw) => {
  void handle(raw as PhaseRequest);
});

async function handle(request: PhaseRequest): Promise<void> {
  const memory = new PeakMemory();
  memory.start();
  const label = request.phase === 'throughput' ? `throughput ${request.sites} site(s), ${request.path}` : request.phase;
  const log = (line: string): void => void process.stderr.write(`    [${label}] ${line}\n`);
  let reply: PhaseReply;
  try {
    const result = await run(request, memory, log);
    reply = { ok: true, result, memory: memory.stop(label) };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  // Exit once the reply is out: open HTTP keep-alive sockets must not hold the process (and its memory) up.
  process.send?.(reply, () => process.exit(0));
}

async function run(request: PhaseRequest, memory: PeakMemory, log: (line: string) => void): Promise<unknown> {
  const options: BenchOptions = { ...request.options, end: new Date(request.options.end) };
  const { config } = benchConfig();
  if (request.phase === 'cold') return benchPredictCold(request.stores, config, options, memory, log);
  const stores = benchStores(request.stores);
  try {
    switch (request.phase) {
      case 'populate':
        return await populateHistory(stores.blobs, config, options, log);
      case 'train':
        return await benchTrain(stores.blobs, config, options, log);
      case 'warm':
        return await benchPredictWarm(stores, config, options, memory, log);
      case 'throughput':
        return await benchThroughput(stores, config, request.sites, request.path, options, memory, log);
    }
  } finally {
    stores.dispose();
  }
}
