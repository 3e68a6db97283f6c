import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { loadBacktestConfig, parseBacktestConfig } from '../../../shared/backtest/loadBacktestConfig';
import { ConfigError } from '../../../shared/config/ConfigError';

const ROOT = resolve(__dirname, '../../../..');
const FIXTURE = resolve(ROOT, 'test/fixtures/backtest/ramp-backtest.json');

function fixture(): Record<string, unknown> {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
}

/** The fixture with the value at `path` replaced (undefined removes the key). */
function edited(path: string, value: unknown): Record<string, unknown> {
  const c = fixture();
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let at: Record<string, unknown> = c;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1] as string] = value;
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

/** Expects a ConfigError with a problem at `path` containing every fragment. */
function assertProblem(raw: unknown, path: string, ...fragments: string[]): void {
  assert.throws(
    () => parseBacktestConfig(raw, resolve(ROOT, 'test/fixtures/backtest'), {}),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
      const hit = err.problems.find((p) => p.startsWith(`${path}:`));
      assert.ok(hit, `a problem at ${path}; got ${JSON.stringify(err.problems)}`);
      for (const f of fragments) assert.ok(hit.includes(f), `"${f}" in: ${hit}`);
      assert.ok(err.message.includes(hit));
      return true;
    },
  );
}

test('loadBacktestConfig: the fixture and the shipped example load; paths resolve against the file, provider settings are not needed', () => {
  const plan = loadBacktestConfig(FIXTURE, {});
  assert.equal(plan.site, 'site-a');
  assert.deepEqual(
    plan.sources.map((s) => [s.id, s.shownAs]),
    [
      ['meter', 'ramp.csv'],
      ['probe', 'ramp.csv'],
    ],
  );
  assert.equal(plan.sources[0]?.path, resolve(ROOT, 'test/fixtures/backtest/ramp.csv'));
  assert.equal(plan.outputDir, resolve(ROOT, 'test/fixtures/backtest/out'));
  assert.deepEqual(plan.training.kinds, ['linear']);
  assert.equal(plan.training.heldOutFraction, 0.25);
  assert.equal(plan.sources[1]?.spec.outages.kind, 'none');
  const example = loadBacktestConfig(resolve(ROOT, 'backtest/simulated-world.json'), {});
  assert.deepEqual(
    example.sources.map((s) => s.spec.replay.kind),
    ['csv', 'csv', 'csv', 'images', 'csv'],
  );
  assert.equal(example.config.sources.length, 5);
});

test('parseBacktestConfig: each broken key is named by its path, with the bad value', () => {
  assertProblem(
    edited('sources.meter.delay', { kind: 'gaussian', minutes: 3 }),
    'sources.meter.delay.kind',
    '"gaussian"',
  );
  assertProblem(
    edited('sources.meter.delay', { kind: 'uniform', minMinutes: 40, maxMinutes: 20 }),
    'sources.meter.delay.maxMinutes',
    'minMinutes must not be above maxMinutes',
  );
  assertProblem(
    edited('sources.meter.delay', { kind: 'fixed', minutes: -5 }),
    'sources.meter.delay.minutes',
    '(got -5)',
  );
  assertProblem(
    edited('sources.meter.delay', {
      kind: 'empirical',
      quantiles: [
        { p: 0.1, minutes: 5 },
        { p: 1, minutes: 9 },
      ],
    }),
    'sources.meter.delay.quantiles',
    'first quantile must have p 0',
  );
  assertProblem(edited('sources.meter.delay', { kind: 'empirical' }), 'sources.meter.delay', 'either "minutes"');
  assertProblem(
    edited('sources.meter.replay.timeZone', 'Mars/Olympus'),
    'sources.meter.replay.timeZone',
    'IANA time zone',
    '(got "Mars/Olympus")',
  );
  assertProblem(
    edited('sources.meter.outages', {
      kind: 'windows',
      windows: [{ from: '2026-03-05 10:00', to: '2026-03-05T12:00:00Z' }],
    }),
    'sources.meter.outages.windows[0].from',
    'ISO 8601 time with a zone',
    '(got "2026-03-05 10:00")',
  );
  assertProblem(
    edited('sources.meter.outages', { kind: 'random', ratePerDay: 1, minDurationMinutes: 90, maxDurationMinutes: 30 }),
    'sources.meter.outages.maxDurationMinutes',
    'must not be above',
  );
  assertProblem(
    edited('test.from', '2026-03-04T00:00:00Z'),
    'test.from',
    'must start at or after the train period ends',
  );
  assertProblem(edited('train.to', '2026-02-01T00:00:00Z'), 'train.to', 'from must be before to');
  assertProblem(edited('training.kinds', ['forest']), 'training.kinds[0]', '(got "forest")');
  assertProblem(edited('surprise', 1), '(root)', 'surprise');
});

test('parseBacktestConfig: replay specs are checked against the forecast configuration', () => {
  assertProblem(
    edited('sources.wind', (fixture()['sources'] as Record<string, unknown>)['probe']),
    'sources.wind',
    'unknown source "wind"',
    '"meter", "probe"',
  );
  assertProblem(edited('sources.probe', undefined), 'sources', 'no replay spec for source "probe"');
  assertProblem(
    edited('sources.probe.replay.columns[0].field', 'y'),
    'sources.probe.replay.columns[0].field',
    'has no field "y"',
    '"x"',
  );
  assertProblem(
    edited('sources.meter.replay.columns[0].unit', 'MWh'),
    'sources.meter.replay.columns[0].unit',
    '"MWh" cannot be converted',
    '"kW"',
  );
  assertProblem(
    edited('sources.probe.replay.columns[0]', { column: 'probe', field: 'x', unit: 'degC', convertTo: 'K' }),
    'sources.probe.replay.columns[0].convertTo',
    'cannot convert "degC" to "K"',
  );
  assertProblem(
    edited('sources.probe.replay', { kind: 'images', folder: 'cam', fileNamePattern: 'c_{yyyyMMddHHmm}.png' }),
    'sources.probe.replay.kind',
    'only image sources',
  );
  assertProblem(edited('sources.meter.replay.columns', []), 'sources.meter.replay.columns', '(got [])');
  assertProblem(edited('site', 'site-b'), 'site', 'unknown site "site-b"', '"site-a"');
  // The ramp's target is not solar: daylight scoring cannot be asked for, and "auto" leaves it out.
  assertProblem(edited('evaluate', { daylight: true }), 'evaluate.daylight', 'needs a solar target');
  assertProblem(edited('evaluate', { minSunElevationDeg: 90 }), 'evaluate.minSunElevationDeg', '60');
  assert.equal(
    parseBacktestConfig(edited('evaluate', { daylight: 'auto' }), resolve(ROOT, 'test/fixtures/backtest'), {}).daylight,
    null,
  );
  assert.throws(
    () => parseBacktestConfig(edited('forecastConfig', 'missing.json'), resolve(ROOT, 'test/fixtures/backtest'), {}),
    /forecastConfig: cannot read the forecast configuration/,
  );
  assert.throws(
    () =>
      parseBacktestConfig(edited('forecastConfig.target.field', 'nope'), resolve(ROOT, 'test/fixtures/backtest'), {}),
    /target\.field: source "meter" has no field "nope"/,
  );
});
