import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { parseConfig } from '../../shared/config/loadConfig';
import { significant } from '../../shared/util/significant';
import { fallbackTable } from './fallbackTable';
import { formatPreviousRuleMarkdown } from '../../shared/backtest/formatPreviousRuleMarkdown';
import { parseCliArgs } from '../../cli/parseCliArgs';
import { DEFAULT_FALLBACK_BENCH_OPTIONS, type FallbackBenchResult, runFallbackBench } from './runFallbackBench';

const PROJECT_ROOT = resolve(__dirname, '../../..');
const DEFAULT_OUT = 'bench-results/fallback.json';

const USAGE = `npm run bench:fallback -- [--days N] [--end ISO] [--seed N] [--out FILE]

Service without a source, measured on the simulated world: simulates N days of all five sources at park-1 (camera
features computed from the world's pictures), trains every-subset gbdt + linear models as \`npm run train\` does on
the first 75 %, and serves every held-out slot as live prediction does (chooseModel over the ONNX models, smart
persistence and persistence last): with all sources fresh, with each source missing, and under a fault schedule
(each provider down in turn, two at once, all five; backlogs delivered late). Prints Markdown tables, skill against
persistence and smart persistence; writes JSON.

  --days N     days of history (default ${DEFAULT_FALLBACK_BENCH_OPTIONS.days})
  --end ISO    when the history ends (default ${DEFAULT_FALLBACK_BENCH_OPTIONS.end.toISOString()}; e.g. 2026-11-29T00:00:00Z for November)
  --seed N     world seed (default ${DEFAULT_FALLBACK_BENCH_OPTIONS.seed})
  --out FILE   where the JSON goes (default ${DEFAULT_OUT})
  -h, --help   this text`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        days: { type: 'string' },
        end: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const days = values.days === undefined ? DEFAULT_FALLBACK_BENCH_OPTIONS.days : Number(values.days);
  if (!(Number.isInteger(days) && days >= 2 && days <= 120))
    throw new Error(`--days must be an integer from 2 to 120, got "${values.days}"`);
  const end = values.end === undefined ? DEFAULT_FALLBACK_BENCH_OPTIONS.end : new Date(values.end);
  if (Number.isNaN(end.getTime()) || (values.end !== undefined && !/(Z|[+-]\d{2}:?\d{2})$/.test(values.end))) {
    throw new Error(
      `--end must be an ISO 8601 time with a time zone such as 2026-06-29T00:00:00Z, got "${values.end}"`,
    );
  }
  const seed = values.seed === undefined ? DEFAULT_FALLBACK_BENCH_OPTIONS.seed : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  const out = resolve(values.out ?? DEFAULT_OUT);

  const config = benchConfig();
  const started = Date.now();
  const result = await runFallbackBench(config, {
    days,
    end,
    seed,
    log: (line) => process.stderr.write(`  [${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(report(result));
  console.log(`\nJSON: ${out}`);
}

/** The shipped configuration, with placeholder provider settings (the bench talks to no provider). */
function benchConfig(): ForecastConfig {
  const text = readFileSync(resolve(PROJECT_ROOT, 'config/solar-park.json'), 'utf8');
  const settings: Record<string, string> = {};
  for (const [, name] of text.matchAll(/%([A-Za-z0-9_]+)%/g)) {
    settings[name as string] = (name as string).endsWith('_ENDPOINT') ? 'https://bench.invalid' : 'bench';
  }
  return parseConfig(JSON.parse(text), settings, 'config/solar-park.json');
}

function report(r: FallbackBenchResult): string {
  const { unit } = r.target;
  const lines: string[] = [];
  lines.push(`## Service without a source: ${r.site}, world seed ${r.seed}`);
  lines.push('');
  lines.push(
    `Trained on ${r.window.from} .. ${r.window.heldOutFrom} (${r.trainingRows} rows), held out ${r.window.heldOutFrom} .. ${r.window.to} (${r.heldOutSlots} issue slots, day and night). ` +
      `Skill is 1 - RMSE / RMSE of persistence (the newest ${r.target.source} ${r.target.field} available at issueTime in normal operation) on the same slots` +
      (r.references.smartPersistence
        ? "; skill vs smart is the same against smart persistence (that value's clear-sky index carried forward). "
        : '. ') +
      `Times: simulate ${r.seconds.simulate.toFixed(0)} s, train ${r.seconds.train.toFixed(0)} s, evaluate ${r.seconds.evaluate.toFixed(0)} s.`,
  );
  lines.push('');
  lines.push(fallbackTable(r.scenarios, r.leadsMinutes, unit, r.references));
  lines.push('');
  for (const n of r.notes) lines.push(`**Note:** ${n}`, '');
  lines.push('Models chosen per scenario:');
  lines.push('');
  for (const s of r.scenarios)
    lines.push(
      `- ${s.scenario}: ${Object.entries(s.byModel)
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`,
    );
  lines.push('');
  lines.push('Fault episodes (each from its start to an hour after its end, while the backlog is delivered):');
  lines.push('');
  lines.push(
    fallbackTable(
      r.faults.episodes.map((e) => ({
        ...e.result,
        scenario: `${e.label} ${e.from.slice(5, 16)}..${e.to.slice(11, 16)}`,
      })),
      r.leadsMinutes,
      unit,
    ),
  );
  lines.push('');
  lines.push(...formatPreviousRuleMarkdown(r.scenarios, r.leadsMinutes, unit));
  lines.push(
    ...formatPreviousRuleMarkdown(
      r.faults.episodes.map((e) => ({ scenario: e.label, previousRule: e.result.previousRule })),
      r.leadsMinutes,
      unit,
    ).slice(4),
  );
  for (const e of r.faults.episodes)
    lines.push(
      `- ${e.label}: ${Object.entries(e.result.byModel)
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`,
    );
  lines.push('');
  lines.push(
    'Trained models (held-out rows where every source is fresh, as in the model card; * = kept as a candidate):',
  );
  lines.push('');
  const smart = r.references.smartPersistence !== undefined;
  const leads = r.leadsMinutes;
  lines.push(
    `| model | ${leads.map((l) => `RMSE +${l}`).join(' | ')} | ${leads.map((l) => `skill +${l}`).join(' | ')} |${smart ? ` ${leads.map((l) => `skill vs smart +${l}`).join(' | ')} |` : ''}`,
  );
  lines.push(`| --- |${' ---: |'.repeat(leads.length * (smart ? 3 : 2))}`);
  for (const m of r.models) {
    lines.push(
      `| ${m.kept ? '*' : ''}${m.id} | ${m.heldOut.map((x) => significant(x.rmse)).join(' | ')} | ${m.heldOut.map((x) => significant(x.skill)).join(' | ')} |${smart ? ` ${m.heldOut.map((x) => significant(x.smartSkill ?? Number.NaN)).join(' | ')} |` : ''}`,
    );
  }
  return lines.join('\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`bench:fallback: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
