import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { AsOf } from '../../../shared/backtest/AsOf';
import { formatBacktestMarkdown } from '../../../shared/backtest/formatBacktestMarkdown';
import { loadBacktestConfig, parseBacktestConfig } from '../../../shared/backtest/loadBacktestConfig';
import { type BacktestRun, runBacktest } from '../../../shared/backtest/runBacktest';
import { ALL_SOURCES_FRESH, OUTAGE_MODEL, withoutSource } from '../../../shared/backtest/scenarioNames';
import { ConfigError } from '../../../shared/config/ConfigError';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';
import { readCsvReplay } from '../../../shared/replay/readCsvReplay';
import { replayAvailability } from '../../../shared/replay/replayAvailability';
import { replayDelayOf } from '../../../shared/replay/ReplaySpec';

/**
 * The fixtures: meter.power_kw is a piecewise-linear walk between random hourly values, every record available
 * 30 minutes after it was observed, so its past says little of the next hour. nwp is a forecast source whose runs
 * know that walk, with an error growing with the step: either a file of runs (a run every 6 h with hourly steps to
 * +12 h, a run-time column, each run available 60-150 minutes after its runAt, three rows valid before their run)
 * or one best series per valid time sliced by a declared schedule (every 6 h, available 120 minutes after, 12 h;
 * the weather service down 05:00-16:00 on the test day, its runs delivered when it is back).
 * The forecast configuration sets nwp's staleness limit to 600 minutes: runs 6 h apart are 1.5-8.5 h old at issue.
 */
const ROOT = resolve(__dirname, '../../../..');
const FIXTURES = resolve(ROOT, 'test/fixtures/backtest');
const RUNS = resolve(FIXTURES, 'forecast-runs-backtest.json');
const SCHEDULE = resolve(FIXTURES, 'forecast-schedule-backtest.json');
const TEST_SLOTS = 23 * 6 + 1;
const now = (): Date => new Date('2026-03-07T00:00:00Z');

const runs = new Map<string, Promise<BacktestRun>>();
const backtest = (file: string): Promise<BacktestRun> => {
  let r = runs.get(file);
  if (!r) {
    r = runBacktest(loadBacktestConfig(file, {}), { now });
    runs.set(file, r);
  }
  return r;
};

for (const [mode, file] of [
  ['a run-time column', RUNS],
  ['a declared run schedule', SCHEDULE],
] as const) {
  test(`backtest of a forecast source from ${mode}: every slot served, no run used before its availableAt, the newest available run read, and the model with nwp beats the one without at +60`, async () => {
    const plan = loadBacktestConfig(file, {});
    const { report, served } = await backtest(file);
    assert.equal(report.test.slots, TEST_SLOTS);
    // The runs as the backtest replayed them (delays only), to know which run was the newest available.
    const source = plan.sources.find((s) => s.id === 'nwp');
    assert.ok(source && source.spec.replay.kind === 'csv');
    const read = readCsvReplay(source.spec.replay, source.path, { id: 'nwp', fields: ['power_fc'] });
    const replayed: HistoryRecord[] = replayAvailability(
      read.observations,
      replayDelayOf(source.spec),
      [],
      [plan.seed, 'nwp'],
    );
    const newest = new AsOf(replayed);
    // Under the outage model, the runs due while the service was down arrive when it is back.
    const windows = (report.sources.find((x) => x.id === 'nwp')?.outages.windows ?? []).map((w) => ({
      from: Date.parse(w.from),
      to: Date.parse(w.to),
    }));
    const faulted = new AsOf(
      replayAvailability(
        read.observations,
        replayDelayOf(source.spec),
        windows,
        [plan.seed, 'nwp'],
        source.spec.backlog,
      ),
    );
    let checked = 0;
    for (const [scenario, slots] of served) {
      for (const s of slots) {
        assert.ok(s.model !== null, `${scenario} ${new Date(s.issueTime).toISOString()} served`);
        for (const input of s.inputs) {
          assert.ok(
            input.availableAt <= s.issueTime && input.observedAt <= s.issueTime,
            `${scenario} ${new Date(s.issueTime).toISOString()}: ${input.source} run ${new Date(input.observedAt).toISOString()} available ${new Date(input.availableAt).toISOString()}`,
          );
          if (input.source !== 'nwp') continue;
          const asOf = scenario === OUTAGE_MODEL ? faulted : newest;
          assert.equal(input.observedAt, asOf.at(s.issueTime)?.observedAt, 'the newest run available');
          checked++;
        }
      }
    }
    assert.ok(checked >= 2 * TEST_SLOTS, `nwp read in ${checked} slots`);
    const fresh = report.scenarios.find((s) => s.scenario === ALL_SOURCES_FRESH);
    const without = report.scenarios.find((s) => s.scenario === withoutSource('nwp'));
    assert.ok(fresh && without);
    for (const s of report.scenarios) assert.equal(s.servedPct, 100, s.scenario);
    const readsNwp = new Set(report.models.filter((m) => m.sources.includes('nwp')).map((m) => m.id));
    assert.ok(
      Object.keys(fresh.byModel).every((m) => readsNwp.has(m)),
      JSON.stringify(fresh.byModel),
    );
    assert.ok(
      Object.keys(without.byModel).every((m) => !readsNwp.has(m)),
      JSON.stringify(without.byModel),
    );
    const at60 = (ms: typeof fresh.perLead) => ms.find((m) => m.leadMinutes === 60);
    const withNwp = at60(fresh.perLead);
    const withoutNwp = at60(without.perLead);
    assert.ok(withNwp && withoutNwp);
    assert.ok(withNwp.rmse < 0.25 * withoutNwp.rmse, `+60: RMSE with nwp ${withNwp.rmse}, without ${withoutNwp.rmse}`);
    assert.ok(withNwp.skill > 0.8, `+60: skill ${withNwp.skill}`);
    const meter = report.sources.find((s) => s.id === 'meter');
    assert.equal(meter?.runs, undefined);
  });
}

test('the report names a run-time column: runs, rows dropped, the runs age at issue (median); delays drawn per run', async () => {
  const { report } = await backtest(RUNS);
  const nwp = report.sources.find((s) => s.id === 'nwp');
  assert.ok(nwp?.runs);
  assert.equal(nwp.kind, 'forecast');
  assert.equal(nwp.runs.from, 'run-column');
  assert.equal(nwp.runs.description, "runs from the file's run-time column");
  // Runs every 6 h from 2026-02-28 18:00 to 2026-03-06 12:00.
  assert.equal(nwp.runs.count, 24);
  assert.equal(nwp.runs.validBeforeRunDropped, 3);
  const age = nwp.runs.ageAtIssueMinutes;
  assert.ok(age && age.slots === TEST_SLOTS, JSON.stringify(age));
  // A run is 60-150 minutes old when it becomes available and is replaced 6 h after the previous one's runAt.
  assert.ok(age.median > 150 && age.median < 360 && age.max <= 360 + 150, JSON.stringify(age));
  const delays = nwp.delay.observedMinutes;
  assert.ok(delays && delays.min >= 60 && delays.max <= 150 && delays.min < delays.max, JSON.stringify(delays));
  assert.equal(nwp.trainingStalenessLimitMinutes, 600);
  const md = formatBacktestMarkdown(report, { leadMetrics: 'l.png', forecast: 'f.png' });
  assert.ok(
    md.includes(
      `| 24 runs (run-time column, age at issue median ${age.median.toFixed(0)} min, 3 rows before their run dropped) |`,
    ),
    md,
  );
  assert.ok(md.includes("- nwp: runs from the file's run-time column."), md);
  assert.ok(md.includes('| meter | csv `forecast-meter.csv` |'), md);
  const meterRow = md.split('\n').find((l) => l.startsWith('| meter |')) ?? '';
  assert.ok(meterRow.endsWith('| - |'), meterRow);
});

test('the report names a declared run schedule and says it is an approximation; every run available exactly availableAfterMinutes after its runAt', async () => {
  const { report } = await backtest(SCHEDULE);
  const nwp = report.sources.find((s) => s.id === 'nwp');
  assert.ok(nwp?.runs);
  assert.equal(nwp.runs.from, 'schedule');
  assert.deepEqual(nwp.runs.schedule, { everyHours: 6, availableAfterMinutes: 120, horizonHours: 12 });
  const text =
    'declared run schedule every 6 h, available 120 min after, 12 h horizon — an approximation: the series is one best forecast per valid time, sliced as if issued then';
  assert.equal(nwp.runs.description, text);
  assert.deepEqual(nwp.delay.model, { kind: 'fixed', minutes: 120 });
  assert.deepEqual(nwp.delay.observedMinutes, { min: 120, median: 120, p90: 120, max: 120 });
  // Issue slots every 10 minutes through 6-hour runs available 120 minutes after: ages 120 .. 470 minutes.
  assert.deepEqual(nwp.runs.ageAtIssueMinutes && [nwp.runs.ageAtIssueMinutes.max], [470]);
  const md = formatBacktestMarkdown(report, { leadMetrics: 'l.png', forecast: 'f.png' });
  assert.ok(md.includes(`- nwp: ${text}.`), md);
  assert.ok(md.includes('| fixed 120 min (declared schedule) |'), md);
  assert.ok(md.includes('runs (declared schedule, age at issue median'), md);
  const json = JSON.parse(JSON.stringify(report)) as typeof report;
  assert.equal(json.sources.find((s) => s.id === 'nwp')?.runs?.description, text);
});

test('the weather service down (the schedule fixture: 05:00-16:00 on the test day, its runs delivered when it is back): every slot still served; the previous rule did without nwp exactly while its newest run was older than its 600-minute limit, the chooser at some of those slots', async () => {
  const { report, served } = await backtest(SCHEDULE);
  const outage = report.scenarios.find((s) => s.scenario === OUTAGE_MODEL);
  assert.equal(outage?.servedPct, 100);
  const readsNwp = new Set(report.models.filter((m) => m.sources.includes('nwp')).map((m) => m.id));
  const without = (served.get(OUTAGE_MODEL) ?? [])
    .filter((s) => s.model !== null && !readsNwp.has(s.model))
    .map((s) => new Date(s.issueTime).toISOString().slice(11, 16));
  // The 00:00 run (available 02:00) is the newest until the backlog arrives at 16:00; it is 600 minutes old at 10:00.
  const expected: string[] = [];
  for (let m = 10 * 60 + 10; m < 16 * 60; m += 10)
    expected.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  // The previous rule (freshness first) did without nwp exactly then; the chooser keeps the stale run while its
  // expected error says so and the run still covers the leads, so it does without nwp at some of those slots only.
  const previousWithout = Object.entries(outage?.previousRule?.previousByModel ?? {})
    .filter(([m]) => !readsNwp.has(m))
    .reduce((n, [, k]) => n + k, 0);
  assert.equal(previousWithout, expected.length);
  assert.ok(without.length > 0 && without.every((t) => expected.includes(t)), without.join(' '));
  assert.equal(report.sources.find((s) => s.id === 'nwp')?.outages.minutesInTest, 11 * 60);
});

function fixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The fixture with the value at `path` replaced (undefined removes the key). */
function edited(file: string, path: string, value: unknown): Record<string, unknown> {
  const c = fixture(file);
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let at: Record<string, unknown> = c;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1] as string] = value;
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

function assertProblem(raw: unknown, path: string, ...fragments: string[]): void {
  assert.throws(
    () => parseBacktestConfig(raw, FIXTURES, {}),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
      const hit = err.problems.find((p) => p.startsWith(`${path}:`));
      assert.ok(hit, `a problem at ${path}; got ${JSON.stringify(err.problems)}`);
      for (const f of fragments) assert.ok(hit.includes(f), `"${f}" in: ${hit}`);
      return true;
    },
  );
}

test('parseBacktestConfig: a forecast source needs runColumn or runs, a sensor source takes neither; a schedule and a delay are not both given', () => {
  assert.equal(loadBacktestConfig(RUNS, {}).sources.find((s) => s.id === 'nwp')?.kind, 'forecast');
  assert.equal(loadBacktestConfig(SCHEDULE, {}).sources.find((s) => s.id === 'nwp')?.spec.delay, undefined);
  assertProblem(
    edited(RUNS, 'sources.nwp.replay.runColumn', undefined),
    'sources.nwp.replay',
    'is a forecast source',
    '"runColumn"',
    '"runs"',
  );
  assertProblem(
    edited(RUNS, 'sources.meter.replay.runColumn', 'run_time'),
    'sources.meter.replay.runColumn',
    'source "meter" is a sensor source',
    'only forecast sources',
  );
  const meterWithSchedule = edited(RUNS, 'sources.meter.replay.runs', {
    everyHours: 6,
    availableAfterMinutes: 0,
    horizonHours: 6,
  });
  delete ((meterWithSchedule['sources'] as Record<string, unknown>)['meter'] as Record<string, unknown>)['delay'];
  assertProblem(meterWithSchedule, 'sources.meter.replay.runs', 'is a sensor source');
  assertProblem(
    edited(SCHEDULE, 'sources.nwp.delay', { kind: 'fixed', minutes: 60 }),
    'sources.nwp.delay',
    'availableAfterMinutes 120',
    'remove "delay"',
  );
  assertProblem(edited(RUNS, 'sources.nwp.delay', undefined), 'sources.nwp.delay', 'expected a delay model');
  assertProblem(
    edited(SCHEDULE, 'sources.nwp.replay.runs.everyHours', 5),
    'sources.nwp.replay.runs.everyHours',
    'divides 24',
    '(got 5)',
  );
  assertProblem(
    edited(SCHEDULE, 'sources.nwp.replay.runs.horizonHours', -1),
    'sources.nwp.replay.runs.horizonHours',
    '(got -1)',
  );
  assertProblem(
    edited(SCHEDULE, 'sources.nwp.replay.runs.availableAfterMinutes', -30),
    'sources.nwp.replay.runs.availableAfterMinutes',
    '(got -30)',
  );
  assertProblem(
    edited(RUNS, 'sources.nwp.replay.runs', { everyHours: 6, availableAfterMinutes: 0, horizonHours: 6 }),
    'sources.nwp.replay.runs',
    'not both',
  );
});

test('a forecast source without a configured staleness limit: its runs are older than the default limit at almost every slot, and the report says why and what to set', async () => {
  const raw = edited(RUNS, 'forecastConfig.sources[1].stalenessLimitMinutes', undefined);
  const { report } = await runBacktest(parseBacktestConfig(raw, FIXTURES, {}), { now });
  const note = report.notes.find((n) => n.startsWith('forecast source "nwp"'));
  assert.ok(note, JSON.stringify(report.notes));
  assert.match(
    note,
    /older than its staleness limit at 13\d of 139 test issue slots \(its limit mostly 90 min, default\)/,
  );
  assert.ok(note.includes('set stalenessLimitMinutes for "nwp"'), note);
  const { report: configured } = await backtest(RUNS);
  assert.deepEqual(
    configured.notes.filter((n) => n.startsWith('forecast source')),
    [],
  );
});

test('an unknown run column fails the backtest with the file, the line and the column', async () => {
  const raw = edited(RUNS, 'sources.nwp.replay.runColumn', 'issued');
  await assert.rejects(
    runBacktest(parseBacktestConfig(raw, FIXTURES, {}), { now }),
    /forecast-nwp-runs\.csv:1: no column "issued"/,
  );
});
