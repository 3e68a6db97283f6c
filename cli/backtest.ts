import { relative, resolve } from 'node:path';
import { progressBar } from '../local/progressBar';
import type { BacktestReport } from '../shared/backtest/BacktestReport';
import { loadBacktestConfig } from '../shared/backtest/loadBacktestConfig';
import { runBacktest } from '../shared/backtest/runBacktest';
import { writeBacktestReport } from '../shared/backtest/writeBacktestReport';
import { forecastsCsvDataOf } from '../shared/backtest/forecastsCsv';
import { significant } from '../shared/util/significant';
import { parseCliArgs } from './parseCliArgs';
import { generateWhenMissing } from '../local/backtest/generateWhenMissing';
import { formatPromiseGapText, promiseGapTable } from '../shared/backtest/formatPromiseGap';

const USAGE = `npm run backtest -- --config <file> [--out DIR] [--no-progress]

Runs your history through the operational pipeline: every source replayed from its CSV file or image folder with
its delay and outage models, models trained on the train period as \`npm run train\` does, and every issue slot
of the test period served as live prediction does (availability as-of joins, learned staleness limits, the live
model chooser, ONNX inference, smart persistence and persistence last), with all sources, without each one, and
under the outage model. Skill against persistence and, for a solar target, smart persistence. Writes report.json,
report.md, PNG charts and forecasts.csv (every test slot and lead of every scenario, for your own analysis).

  --config FILE   the backtest configuration (e.g. backtest/simulated-world.json)
  --out DIR       where the report goes (default: outputDir of the configuration)
  --no-progress   no progress bar (it is drawn on stderr)
  -h, --help      this text`;

/** Runs a backtest from the command line; returns the report. */
export async function runBacktestCli(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<BacktestReport | undefined> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    out(USAGE);
    return undefined;
  }
  if (values.config === undefined) throw new Error(`--config is required\n\n${USAGE}`);
  const started = Date.now();
  const plan = loadBacktestConfig(values.config);
  const progress = !values['no-progress'];
  const bar = progress
    ? progressBar('  {step} [{bar}] {value}/{total} | {duration_formatted}', { etaBuffer: 50 })
    : undefined;
  let current = '';
  const onProgress = (step: string, done: number, total: number): void => {
    if (!bar) return;
    if (step !== current) {
      if (bar.isActive) bar.stop();
      current = step;
      bar.start(Math.max(1, total), done, { step: step.padEnd(16) });
      return;
    }
    bar.setTotal(Math.max(1, total));
    bar.update(done, { step: step.padEnd(16) });
  };
  try {
    generateWhenMissing(plan, onProgress);
    const run = await runBacktest(plan, { onProgress });
    const { report } = run;
    bar?.stop();
    const dir = values.out === undefined ? plan.outputDir : resolve(values.out);
    const written = await writeBacktestReport(report, dir, forecastsCsvDataOf(run));
    out(summary(report));
    for (const line of promiseGapSummary(report)) out(line);
    out('');
    out(
      `report: ${[written.markdown, written.json, ...written.charts].map((f) => relative(process.cwd(), f)).join(', ')}`,
    );
    if (written.csv)
      out(`forecasts: ${relative(process.cwd(), written.csv)} (every test slot and lead of every scenario)`);
    out(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return report;
  } finally {
    bar?.stop();
  }
}

function summary(r: BacktestReport): string {
  const u = r.target.unit ? ` ${r.target.unit}` : '';
  const lines = [
    `backtest "${r.name}": ${r.test.slots} issue slots ${r.test.from} .. ${r.test.to}; RMSE${u} / skill per lead`,
  ];
  for (const s of r.scenarios) {
    lines.push(
      `  ${s.scenario.padEnd(24)} ${s.perLead.map((m) => `+${m.leadMinutes}: ${significant(m.rmse).padStart(7)} / ${significant(m.skill).padStart(7)}`).join('   ')}   served ${s.servedPct.toFixed(1)} %`,
    );
  }
  const first = r.scenarios[0];
  const p = first?.persistence ?? [];
  lines.push(
    `  ${'persistence'.padEnd(24)} ${p.map((m) => `+${m.leadMinutes}: ${significant(m.rmse).padStart(7)}`).join('   ')}`,
  );
  const smart = first?.smartPersistence;
  if (smart) {
    lines.push(
      `  ${'smart persistence'.padEnd(24)} ${smart.map((m) => `+${m.leadMinutes}: ${significant(m.rmse).padStart(7)} / ${significant(m.skill).padStart(7)}`).join('   ')}`,
    );
    lines.push('  skill against smart persistence per lead:');
    for (const s of r.scenarios)
      lines.push(
        `  ${s.scenario.padEnd(24)} ${s.perLead.map((m) => `+${m.leadMinutes}: ${significant(m.smartSkill ?? Number.NaN).padStart(7)}`).join('   ')}`,
      );
  }
  if (r.scenarios.some((s) => s.previousRule)) {
    lines.push('  the chooser against the previous rule (freshness first) and stale persistence, RMSE per lead:');
    for (const s of r.scenarios) {
      const c = s.previousRule;
      if (!c) continue;
      lines.push(
        `  ${s.scenario.padEnd(24)} ${c.perLead.map((m) => `+${m.leadMinutes}: ${significant(m.rmse).padStart(7)} vs ${significant(m.previousRmse).padStart(7)} (stale persistence ${significant(m.stalePersistenceRmse)})`).join('   ')}   other model in ${c.differentModel}/${c.slots}`,
      );
    }
  }
  return lines.join('\n');
}

/** The promise gap per lead (and over daylight valid times), as the report's table has it. */
export function promiseGapSummary(r: BacktestReport): string[] {
  const gap = r.promiseGap;
  if (!gap) return [];
  const lines = [
    '',
    `promise gap: the naive ${gap.model.kind} model (inputs joined on observedAt) offline and operated, and its availability-aware twin, on ${gap.slots} slots`,
    ...formatPromiseGapText(promiseGapTable(gap, r.leadsMinutes, r.target.unit)),
  ];
  if (gap.daylight)
    lines.push(
      `  daylight valid times only (sun above ${r.daylight?.minSunElevationDeg ?? 0}°):`,
      ...formatPromiseGapText(promiseGapTable(gap.daylight, r.leadsMinutes, r.target.unit)),
    );
  return lines;
}

if (require.main === module) {
  runBacktestCli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`backtest failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
