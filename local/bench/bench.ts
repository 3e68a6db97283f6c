import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BENCH_OPTIONS, LARGE_SITE_COUNT } from './BenchOptions';
import { benchTable } from './benchTable';
import { DEFAULT_BENCH_OUT, parseBenchArgs } from './parseBenchArgs';
import { UsageError } from '../../cli/parseCliArgs';
import { BenchArgumentError } from './BenchArgumentError';
import { runBench } from './runBench';

const d = DEFAULT_BENCH_OPTIONS;
const USAGE = `npm run bench -- [--days N] [--sites 1,100,10000] [--warm-runs N] [--cold-runs N] [--cold-starts N] [--out FILE]

Prediction latency, throughput, training time and peak memory, measured through the app's own code against
Azurite and the Cosmos DB server (started on free ports, stopped at the end). Stores N days of the simulated world
for park-1 through ObservationStore and the sources' recent states with the extra sites' last hours merged in
(--store-sites), trains and publishes a registry version with trainAndPublish, then times warm
and cold predictAll (cold: every model of the champion loaded first; also in new processes from process start),
and predictAll for every site count in one run. Each phase runs in a process of its own (honest peak memory).
Prints Markdown; writes JSON and the Markdown to --out and beside it.

  --days N            days of history stored and trained on (default ${d.days}; 3 to 120)
  --end ISO           when the history ends (default ${d.end.toISOString()})
  --seed N            world seed (default ${d.seed})
  --warm-runs N       timed warm predict runs (default ${d.warmRuns})
  --cold-runs N       timed cold runs in one process (default ${d.coldRuns})
  --cold-starts N     new processes timed to their first forecast (default ${d.coldStarts})
  --sites LIST        site counts for the throughput runs (default ${d.sites.join(',')})
  --store-sites N     site counts up to N also run through the real stores (default ${d.maxStoreSites})
  --runs N            timed predictAll runs per site count up to ${LARGE_SITE_COUNT} (default ${d.throughputRuns})
  --large-runs N      timed runs per larger site count (default ${d.largeRuns})
  --recent-hours N    hours of observations in the recent states for each extra site (default ${d.recentHours})
  --out FILE          the JSON report (default ${DEFAULT_BENCH_OUT}; the Markdown goes to FILE with .md)
  -h, --help          this text`;

async function main(argv: string[]): Promise<void> {
  const args = (() => {
    try {
      return parseBenchArgs(argv);
    } catch (err) {
      throw err instanceof BenchArgumentError ? new UsageError(err.message, USAGE) : err;
    }
  })();
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const out = resolve(args.out);
  const started = performance.now();
  const report = await runBench(args.options, (line) =>
    process.stderr.write(`  [${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
  );
  const markdown = `${benchTable(report)}\n`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  const mdOut = out.replace(/\.json$/, '.md');
  writeFileSync(mdOut, markdown);
  console.log(markdown);
  console.log(`JSON: ${out}\nMarkdown: ${mdOut}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
