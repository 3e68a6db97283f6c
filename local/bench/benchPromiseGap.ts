import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCliArgs } from '../../cli/parseCliArgs';
import { formatPromiseGapText, promiseGapTable } from '../../shared/backtest/formatPromiseGap';
import { loadBacktestConfig } from '../../shared/backtest/loadBacktestConfig';
import { runBacktest } from '../../shared/backtest/runBacktest';
import { writeBacktestReport } from '../../shared/backtest/writeBacktestReport';
import { forecastsCsvDataOf } from '../../shared/backtest/forecastsCsv';
import { significant } from '../../shared/util/significant';
import { generateWhenMissing } from '../backtest/generateWhenMissing';
import { machineInfo } from './machineInfo';

const PROJECT_ROOT = resolve(__dirname, '../../..');
const EXAMPLE = resolve(PROJECT_ROOT, 'backtest/simulated-world.json');
const DEFAULT_DIR = 'bench-results/bench-train';
const DAY_MS = 86_400_000;

const USAGE = `npm run bench:train -- [--days N] [--test-days N] [--dir DIR]

The promise gap and the cost of training, measured on the simulated world: the shipped example backtest
(backtest/simulated-world.json) with N days of history before its test period. Every-subset gbdt + linear models
trained as \`npm run train\` does (availability-aware: as-of joins on availableAt); the naive research model (the
same family on every source, joined on observedAt) scored offline and operated beside them. Prints the promise-gap
table and the training time; the full report (report.md, report.json, forecasts) and a JSON of the figures go to
DIR. The world's files are generated into DIR the first time.

  --days N        days of history the models train on (default 60)
  --test-days N   days of the test period (default 7)
  --dir DIR       working folder (default ${DEFAULT_DIR})
  -h, --help      this text`;

/** What bench:train measured (DIR/bench-train.json). */
export interface TrainBenchFigures {
  machine: ReturnType<typeof machineInfo>;
  historyDays: number;
  testDays: number;
  trainingRows: number;
  modelsTrained: number;
  seconds: { generate: number; read: number; train: number; evaluate: number };
  promiseGap: NonNullable<Awaited<ReturnType<typeof runBacktest>>['report']['promiseGap']> | null;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        days: { type: 'string' },
        'test-days': { type: 'string' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const days = wholeNumber('--days', values.days, 60, 2, 365);
  const testDays = wholeNumber('--test-days', values['test-days'], 7, 1, 60);
  const dir = resolve(values.dir ?? DEFAULT_DIR);

  // The shipped example, with its train period stretched back and its files generated into DIR.
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown> & {
    forecastConfig: string;
    test: { from: string; to: string };
  };
  const testFrom = Date.parse(example.test.from);
  const config = {
    ...example,
    name: `simulated-world-${days}d`,
    forecastConfig: resolve(dirname(EXAMPLE), example.forecastConfig),
    train: { from: iso(testFrom - days * DAY_MS), to: iso(testFrom) },
    test: { from: iso(testFrom), to: iso(testFrom + testDays * DAY_MS) },
    outputDir: 'report',
  };
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, 'backtest.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  const plan = loadBacktestConfig(file);

  const progress = (step: string, done: number, total: number): void => {
    if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0)
      process.stderr.write(`  ${step}: ${done}/${total}\n`);
  };
  const generated = Date.now();
  generateWhenMissing(plan, progress);
  const generateSeconds = (Date.now() - generated) / 1000;
  const run = await runBacktest(plan, { onProgress: progress });
  const { report } = run;
  await writeBacktestReport(report, plan.outputDir, forecastsCsvDataOf(run));

  const figures: TrainBenchFigures = {
    machine: machineInfo(),
    historyDays: days,
    testDays,
    trainingRows: report.train.rows,
    modelsTrained: report.models.length,
    seconds: { generate: generateSeconds, ...report.seconds },
    promiseGap: report.promiseGap ?? null,
  };
  writeFileSync(resolve(dir, 'bench-train.json'), `${JSON.stringify(figures, null, 2)}\n`);

  const m = figures.machine;
  console.log(
    `bench:train on ${m.cores} × ${m.cpuModel}, Node ${m.node} (load ${m.loadAverage.join(' ')}): the simulated world, park-1`,
  );
  console.log(
    `training: ${days} days of history (${report.train.rows} training rows), ${report.models.length} availability-aware models (every subset of ${plan.sources.length} sources × ${plan.training.kinds.join(', ')}, ONNX export and parity check) in ${significant(report.seconds.train)} s; reading the history ${significant(report.seconds.read)} s`,
  );
  const gap = report.promiseGap;
  if (!gap) {
    console.log(`no promise gap: ${report.notes.join('; ')}`);
    return;
  }
  console.log(
    `promise gap on ${gap.slots} test slots (${testDays} days): the naive ${gap.model.kind} model on every source, trained on observedAt joins, offline and operated; its availability-aware twin operated`,
  );
  for (const line of formatPromiseGapText(promiseGapTable(gap, report.leadsMinutes, report.target.unit)))
    console.log(line);
  if (gap.daylight) {
    console.log(`daylight valid times only (sun above ${report.daylight?.minSunElevationDeg ?? 0}°):`);
    for (const line of formatPromiseGapText(promiseGapTable(gap.daylight, report.leadsMinutes, report.target.unit)))
      console.log(line);
  }
  console.log(`report: ${resolve(plan.outputDir, 'report.md')}; figures: ${resolve(dir, 'bench-train.json')}`);
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= min && n <= max))
    throw new Error(`${name} must be a whole number of days from ${min} to ${max}, got "${raw}"`);
  return n;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`bench:train failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
