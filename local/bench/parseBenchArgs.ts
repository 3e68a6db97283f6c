import { parseArgs } from 'node:util';
import { BenchArgumentError } from './BenchArgumentError';
import { type BenchOptions, DEFAULT_BENCH_OPTIONS } from './BenchOptions';

/** Where the JSON report goes by default; the Markdown goes beside it with `.md`. */
export const DEFAULT_BENCH_OUT = 'bench-results/bench.json';

/** The command line, read and checked. */
export type BenchArgs = { help: true } | { help: false; options: BenchOptions; out: string };

/** Reads `npm run bench` arguments; every bad value is a BenchArgumentError naming the flag and what was given. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        days: { type: 'string' },
        end: { type: 'string' },
        seed: { type: 'string' },
        'warm-runs': { type: 'string' },
        'cold-runs': { type: 'string' },
        'cold-starts': { type: 'string' },
        sites: { type: 'string' },
        'store-sites': { type: 'string' },
        runs: { type: 'string' },
        'large-runs': { type: 'string' },
        'recent-hours': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new BenchArgumentError('(arguments)', (err as Error).message);
  }
  if (values.help) return { help: true };
  const d = DEFAULT_BENCH_OPTIONS;
  const end = values.end === undefined ? d.end : new Date(values.end);
  if (values.end !== undefined && (Number.isNaN(end.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/.test(values.end))) {
    throw new BenchArgumentError(
      '--end',
      `--end must be an ISO 8601 time with a time zone such as 2026-06-29T12:00:00Z, got "${values.end}"`,
    );
  }
  const sites =
    values.sites === undefined
      ? d.sites
      : values.sites.split(',').map((s) => integer('--sites', s.trim(), 1, 100_000, values.sites));
  if (new Set(sites).size !== sites.length)
    throw new BenchArgumentError('--sites', `--sites must not repeat a count, got "${values.sites}"`);
  const out = values.out ?? DEFAULT_BENCH_OUT;
  if (!out.endsWith('.json'))
    throw new BenchArgumentError(
      '--out',
      `--out must name a .json file (the Markdown goes beside it as .md), got "${out}"`,
    );
  return {
    help: false,
    out,
    options: {
      days: optionalInteger('--days', values.days, 3, 120, d.days),
      end,
      seed: optionalInteger('--seed', values.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, d.seed),
      warmRuns: optionalInteger('--warm-runs', values['warm-runs'], 1, 100_000, d.warmRuns),
      coldRuns: optionalInteger('--cold-runs', values['cold-runs'], 1, 1_000, d.coldRuns),
      coldStarts: optionalInteger('--cold-starts', values['cold-starts'], 1, 200, d.coldStarts),
      sites: [...sites].sort((a, b) => a - b),
      maxStoreSites: optionalInteger('--store-sites', values['store-sites'], 0, 100_000, d.maxStoreSites),
      throughputRuns: optionalInteger('--runs', values.runs, 1, 1_000, d.throughputRuns),
      largeRuns: optionalInteger('--large-runs', values['large-runs'], 1, 100, d.largeRuns),
      recentHours: optionalInteger('--recent-hours', values['recent-hours'], 1, 24, d.recentHours),
    },
  };
}

function optionalInteger(flag: string, text: string | undefined, min: number, max: number, fallback: number): number {
  return text === undefined ? fallback : integer(flag, text, min, max, text);
}

function integer(flag: string, text: string, min: number, max: number, given: string | undefined): number {
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    throw new BenchArgumentError(
      flag,
      `${flag} must be ${min === Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer from ${min} to ${max}`}, got "${given ?? text}"`,
    );
  }
  return n;
}
