import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchArgumentError } from '../../../local/bench/BenchArgumentError';
import { DEFAULT_BENCH_OPTIONS } from '../../../local/bench/BenchOptions';
import { DEFAULT_BENCH_OUT, parseBenchArgs } from '../../../local/bench/parseBenchArgs';

test('parseBenchArgs: no arguments give the defaults; --help asks for the usage', () => {
  assert.deepEqual(parseBenchArgs([]), { help: false, out: DEFAULT_BENCH_OUT, options: DEFAULT_BENCH_OPTIONS });
  assert.deepEqual(parseBenchArgs(['-h']), { help: true });
});

test('parseBenchArgs: reads every flag', () => {
  const args = parseBenchArgs([
    '--days',
    '28',
    '--end',
    '2026-11-29T10:00:00+01:00',
    '--seed=-3',
    '--warm-runs',
    '500',
    '--cold-runs',
    '20',
    '--cold-starts',
    '10',
    '--sites',
    '10000, 1,100,1000',
    '--store-sites',
    '1000',
    '--runs',
    '7',
    '--large-runs',
    '2',
    '--recent-hours',
    '6',
    '--out',
    'x/y.json',
  ]);
  assert.ok(!args.help);
  assert.equal(args.out, 'x/y.json');
  assert.deepEqual(args.options, {
    days: 28,
    end: new Date('2026-11-29T09:00:00Z'),
    seed: -3,
    warmRuns: 500,
    coldRuns: 20,
    coldStarts: 10,
    sites: [1, 100, 1000, 10000],
    maxStoreSites: 1000,
    throughputRuns: 7,
    largeRuns: 2,
    recentHours: 6,
  });
});

test('parseBenchArgs: a bad value is a BenchArgumentError naming the flag and the value', () => {
  const cases: [string[], string, RegExp][] = [
    [['--days', '2'], '--days', /--days must be an integer from 3 to 120, got "2"/],
    [['--days', '7.5'], '--days', /got "7\.5"/],
    [['--days', 'week'], '--days', /got "week"/],
    [['--warm-runs', '0'], '--warm-runs', /--warm-runs must be an integer from 1 to .*, got "0"/],
    [['--sites', '1,,100'], '--sites', /--sites must be an integer from 1 to 100000, got "1,,100"/],
    [['--sites', '100,100'], '--sites', /must not repeat a count, got "100,100"/],
    [['--sites', '200000'], '--sites', /got "200000"/],
    [['--end', '2026-06-29T12:00:00'], '--end', /with a time zone .* got "2026-06-29T12:00:00"/],
    [['--end', 'yesterday'], '--end', /got "yesterday"/],
    [['--seed', '1e3'], '--seed', /--seed must be an integer, got "1e3"/],
    [['--out', 'bench.md'], '--out', /--out must name a \.json file .* got "bench\.md"/],
    [['--recent-hours', '0'], '--recent-hours', /got "0"/],
    [['--fast'], '(arguments)', /Unknown option '--fast'/],
  ];
  for (const [argv, flag, message] of cases) {
    assert.throws(
      () => parseBenchArgs(argv),
      (err: unknown) =>
        err instanceof BenchArgumentError &&
        err.code === 'BENCH_ARGUMENT' &&
        err.flag === flag &&
        message.test(err.message),
      argv.join(' '),
    );
  }
});
