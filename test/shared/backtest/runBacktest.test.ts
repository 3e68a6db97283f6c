import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadBacktestConfig } from '../../../shared/backtest/loadBacktestConfig';
import { type BacktestRun, runBacktest } from '../../../shared/backtest/runBacktest';
import { ALL_SOURCES_FRESH, OUTAGE_MODEL, withoutSource } from '../../../shared/backtest/scenarioNames';
import { numberCell } from '../../../shared/backtest/forecastsCsv';
import { writeBacktestReport } from '../../../shared/backtest/writeBacktestReport';
import { significant } from '../../../shared/util/significant';

/**
 * The fixture: meter.power_kw is a ramp (+1 kW every 10 minutes, written in W), every record available exactly
 * 30 minutes after it was observed. At issueTime the newest available value is the one observed 30 minutes
 * earlier, so persistence misses by (lead + 30) / 10 kW at every slot: 5, 7 and 9 kW at +20, +40 and +60, exactly.
 * The meter is down 10:00-12:00 on the test day (backlog delivered at 12:00).
 */
const FIXTURE = resolve(__dirname, '../../../../test/fixtures/backtest/ramp-backtest.json');
const MINUTE_MS = 60_000;
const TEST_DAY = Date.parse('2026-03-05T00:00:00Z');
/** Issue slots 00:00 .. 23:00 (the +60 target of 23:00 is the last in the test period). */
const TEST_SLOTS = 23 * 6 + 1;

let run: Promise<BacktestRun> | undefined;
const backtest = (): Promise<BacktestRun> =>
  (run ??= runBacktest(loadBacktestConfig(FIXTURE, {}), { now: () => new Date('2026-03-07T00:00:00Z') }));

test('runBacktest on the ramp: persistence is off by exactly (lead + 30 min) / 10 kW, the meter model beats it, the useless probe is pruned, every slot is served', async () => {
  const { report } = await backtest();
  assert.equal(report.test.slots, TEST_SLOTS);
  assert.deepEqual(
    report.scenarios.map((s) => s.scenario),
    [ALL_SOURCES_FRESH, withoutSource('meter'), withoutSource('probe'), OUTAGE_MODEL],
  );
  const fresh = report.scenarios[0];
  assert.ok(fresh);
  assert.deepEqual(fresh.persistence, [
    { leadMinutes: 20, rmse: 5, mae: 5, skill: 0, n: TEST_SLOTS },
    { leadMinutes: 40, rmse: 7, mae: 7, skill: 0, n: TEST_SLOTS },
    { leadMinutes: 60, rmse: 9, mae: 9, skill: 0, n: TEST_SLOTS },
  ]);
  assert.equal(fresh.served, TEST_SLOTS);
  assert.equal(fresh.servedPct, 100);
  fresh.perLead.forEach((m, l) => {
    assert.equal(m.n, TEST_SLOTS);
    const p = fresh.persistence[l];
    assert.ok(
      p && m.rmse < p.rmse && m.mae <= m.rmse,
      `+${m.leadMinutes}: rmse ${m.rmse}, mae ${m.mae}, persistence ${p?.rmse}`,
    );
    assert.ok(
      p && Math.abs(m.skill - (1 - m.rmse / p.rmse)) < 1e-3 && m.skill > 0.1,
      `+${m.leadMinutes}: skill ${m.skill}`,
    );
  });
  // The ramp's trend is in the time-of-year features too, so the meter is what the models gain from; the probe is noise.
  // Trained with outage-aged rows too, the probe may stay beside the meter (within noise); every choice reads the meter.
  for (const m of Object.keys(fresh.byModel)) assert.match(m, /^linear-(meter|all)$/);
  // The probe is noise: pruned, or (trained on outage-aged rows too) within 2 % of the model on no source.
  const probe = report.models.find((m) => m.id === 'linear-probe');
  const none = report.models.find((m) => m.id === 'linear-none');
  assert.ok(
    report.pruned.some((p) => p.id === 'linear-probe') ||
      (probe && none && Math.abs(probe.meanRmse - none.meanRmse) < 0.02 * none.meanRmse),
    JSON.stringify(report.pruned),
  );
  // The W column became kW, as the target unit asks.
  assert.deepEqual(report.sources.find((s) => s.id === 'meter')?.stats.units['power_kw'], {
    from: 'W',
    to: 'kW',
    factor: 0.001,
  });
  assert.deepEqual(report.sources.find((s) => s.id === 'meter')?.delay.observedMinutes, {
    min: 30,
    median: 30,
    p90: 30,
    max: 30,
  });
  for (const s of report.scenarios) assert.equal(s.servedPct, 100, `${s.scenario}: ${JSON.stringify(s.byModel)}`);
});

test('runBacktest on the ramp: while the meter is down, the previous rule does without it at exactly the 11 slots 10:10-11:50 (newest meter value older than its learned 40-minute limit), the chooser at some of them (it may keep the stale meter)', async () => {
  const { report, served } = await backtest();
  const withoutMeter = new Set(report.models.filter((m) => !m.sources.includes('meter')).map((m) => m.id));
  const slots = served.get(OUTAGE_MODEL) ?? [];
  const doingWithout = slots
    .filter((s) => s.model !== null && withoutMeter.has(s.model))
    .map((s) => new Date(s.issueTime).toISOString().slice(11, 16));
  const stale = ['10:10', '10:20', '10:30', '10:40', '10:50', '11:00', '11:10', '11:20', '11:30', '11:40', '11:50'];
  assert.ok(
    doingWithout.every((t) => stale.includes(t)),
    doingWithout.join(' '),
  );
  const previous = report.scenarios.find((s) => s.scenario === OUTAGE_MODEL)?.previousRule;
  const previousWithout = Object.entries(previous?.previousByModel ?? {})
    .filter(([m]) => withoutMeter.has(m))
    .reduce((n, [, k]) => n + k, 0);
  assert.equal(previousWithout, stale.length);
  assert.equal(previous?.differentModel, stale.length - doingWithout.length);
  assert.equal(report.sources.find((s) => s.id === 'meter')?.trainingStalenessLimitMinutes, 40);
  // Without the meter at all, no slot is served by a model that reads it.
  for (const s of served.get(withoutSource('meter')) ?? [])
    assert.ok(s.model !== null && withoutMeter.has(s.model), `${new Date(s.issueTime).toISOString()}: ${s.model}`);
});

test('a source with a 30-minute delay (the meter) is never used before its availableAt: every served slot read the observation of exactly 30 minutes before', async () => {
  const { served } = await backtest();
  let checked = 0;
  for (const [scenario, slots] of served) {
    for (const s of slots) {
      for (const input of s.inputs) {
        assert.ok(
          input.availableAt <= s.issueTime,
          `${scenario} ${new Date(s.issueTime).toISOString()}: ${input.source} available ${new Date(input.availableAt).toISOString()}`,
        );
        assert.ok(
          input.availableAt - input.observedAt >= 30 * MINUTE_MS,
          `${scenario}: ${input.source} delay ${(input.availableAt - input.observedAt) / MINUTE_MS} min`,
        );
        if (
          scenario !== OUTAGE_MODEL ||
          s.issueTime >= Date.parse('2026-03-05T12:00:00Z') ||
          s.issueTime < Date.parse('2026-03-05T10:00:00Z')
        ) {
          // The newest one that had arrived: observed 30 minutes before issueTime, never later.
          assert.equal(
            input.observedAt,
            s.issueTime - 30 * MINUTE_MS,
            `${scenario} ${new Date(s.issueTime).toISOString()}: ${input.source} observed ${new Date(input.observedAt).toISOString()}`,
          );
        }
        if (input.source === 'meter') checked++;
      }
    }
  }
  // Meter inputs: all sources fresh, without probe, and the outage model's slots whose model read the meter.
  const outageWithMeter = (served.get(OUTAGE_MODEL) ?? []).filter((s) => s.inputs.some((i) => i.source === 'meter'));
  assert.ok(outageWithMeter.length >= TEST_SLOTS - 11);
  assert.equal(checked, 2 * TEST_SLOTS + outageWithMeter.length);
});

test('writeBacktestReport: JSON with the same numbers, a Markdown table with the exact persistence row, two PNG charts', async () => {
  const { report } = await backtest();
  const dir = mkdtempSync(join(tmpdir(), 'backtest-report-'));
  const written = await writeBacktestReport(report, dir);
  assert.deepEqual(JSON.parse(readFileSync(written.json, 'utf8')), JSON.parse(JSON.stringify(report)));
  const md = readFileSync(written.markdown, 'utf8');
  assert.ok(md.includes('| persistence (reference) | 5.00 | 7.00 | 9.00 | 5.00 | 7.00 | 9.00 | 0 | 0 | 0 | - |'), md);
  const fresh = md.split('\n').find((l) => l.startsWith(`| ${ALL_SOURCES_FRESH} |`));
  assert.ok(fresh?.endsWith(`| 100.0 % (${TEST_SLOTS}/${TEST_SLOTS}) |`), fresh);
  assert.match(md, /Units converted: meter\.power_kw W -> kW \(x 0\.001\)/);
  // Every scenario also served by the previous rule (freshness first), in report.json and report.md.
  assert.match(md, /## The chooser against the previous rule/);
  for (const s of report.scenarios) {
    const c = s.previousRule;
    assert.ok(c, `${s.scenario}: no previous-rule figures`);
    assert.equal(c.perLead.length, 3);
    for (const m of c.perLead) assert.ok(Number.isFinite(m.previousRmse) && Number.isFinite(m.stalePersistenceRmse));
    assert.ok(md.includes(`| ${s.scenario} | ${significant(c.perLead[0]?.rmse ?? Number.NaN)} |`), s.scenario);
  }
  // With all sources fresh both rules choose alike; the stale persistence is then the reference persistence.
  const fresh0 = report.scenarios[0]?.previousRule;
  assert.equal(fresh0?.differentModel, 0);
  assert.deepEqual(
    fresh0?.perLead.map((m) => m.stalePersistenceRmse),
    [5, 7, 9],
  );
  for (const png of written.charts) {
    assert.ok(existsSync(png), png);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 1000);
  }
  // The chart sample starts at the first test slot, and the actual series is the ramp itself.
  assert.equal(report.sample.times[0], TEST_DAY);
  const k0 = (TEST_DAY - Date.parse('2026-02-28T21:00:00Z')) / (10 * MINUTE_MS);
  assert.deepEqual(report.sample.actual.slice(0, 3), [k0, k0 + 1, k0 + 2]);
});

test('writeBacktestReport with the run: forecasts.csv has a row per scenario, test slot and lead, and the ramp exactly', async () => {
  const run = await backtest();
  const { report, served } = run;
  const dir = mkdtempSync(join(tmpdir(), 'backtest-csv-'));
  const written = await writeBacktestReport(report, dir, run);
  assert.equal(written.csv, join(dir, 'forecasts.csv'));
  const lines = readFileSync(written.csv ?? '', 'utf8')
    .trimEnd()
    .split('\n');
  assert.equal(lines[0], 'scenario,issueTime,leadMinutes,validTime,model,value,actual,persistence,p10,p50,p90');
  assert.equal(lines.length - 1, report.scenarios.length * TEST_SLOTS * 3);
  assert.deepEqual(
    [...new Set(lines.slice(1).map((l) => l.split(',')[0]))],
    report.scenarios.map((s) => s.scenario),
  );
  // The first slot at +20: the ramp observed at 00:20 (k0 + 2 kW, written in W), persistence the value of 23:30.
  const k0 = (TEST_DAY - Date.parse('2026-02-28T21:00:00Z')) / (10 * MINUTE_MS);
  const slot = served.get(ALL_SOURCES_FRESH)?.[0];
  assert.ok(slot?.model && slot.quantiles?.[0]);
  const q = slot.quantiles[0];
  assert.equal(
    lines[1],
    [
      ALL_SOURCES_FRESH,
      '2026-03-05T00:00:00.000Z',
      '20',
      '2026-03-05T00:20:00.000Z',
      slot.model,
      numberCell(slot.values[0]),
      String(k0 + 2),
      String(k0 - 3),
      numberCell(q.p10),
      numberCell(q.p50),
      numberCell(q.p90),
    ].join(','),
  );
  assert.ok(Math.abs(Number(numberCell(slot.values[0])) - (slot.values[0] ?? Number.NaN)) < 1e-4);
  assert.match(readFileSync(written.markdown, 'utf8'), /\[forecasts\.csv\]\(forecasts\.csv\)/);
});

test('runBacktest on the ramp: served forecasts carry ordered quantiles, scored per scenario and lead (10-90 % coverage, pinball) in report.json and report.md', async () => {
  const { report, served } = await backtest();
  const base = Date.parse('2026-02-28T21:00:00Z');
  const actual = (t: number): number => (t - base) / (10 * MINUTE_MS); // the ramp, in kW
  for (const s of report.scenarios) {
    assert.deepEqual(
      s.intervals.map((m) => m.leadMinutes),
      [20, 40, 60],
      s.scenario,
    );
    for (const m of s.intervals) {
      assert.ok(m.n > 0 && m.n <= s.served, `${s.scenario} +${m.leadMinutes}: n ${m.n}`);
      assert.ok(m.coverage >= 0 && m.coverage <= 1, `${s.scenario} +${m.leadMinutes}: coverage ${m.coverage}`);
      assert.ok(Number.isFinite(m.pinball) && m.pinball >= 0, `${s.scenario} +${m.leadMinutes}: pinball ${m.pinball}`);
      // Not a solar target: no sun-up share.
      assert.equal(m.nSunUp, undefined);
    }
  }
  // Every slot of the fresh scenario is served by a trained model, whose card has intervals: all carry quantiles.
  const fresh = report.scenarios[0];
  const slots = served.get(ALL_SOURCES_FRESH) ?? [];
  assert.ok(fresh);
  for (const m of fresh.intervals) assert.equal(m.n, TEST_SLOTS);
  let covered = 0;
  for (const s of slots) {
    assert.equal(s.quantiles?.length, 3);
    for (const q of s.quantiles ?? []) assert.ok(q && q.p10 <= q.p50 && q.p50 <= q.p90, JSON.stringify(q));
    const q20 = s.quantiles?.[0];
    const y = actual(s.issueTime + 20 * MINUTE_MS);
    if (q20 && q20.p10 <= y && y <= q20.p90) covered++;
  }
  assert.equal(fresh.intervals[0]?.coverage, Math.round((10_000 * covered) / TEST_SLOTS) / 10_000);

  const dir = mkdtempSync(join(tmpdir(), 'backtest-intervals-'));
  const written = await writeBacktestReport(report, dir);
  assert.deepEqual(JSON.parse(readFileSync(written.json, 'utf8')).scenarios[0].intervals, fresh.intervals);
  const md = readFileSync(written.markdown, 'utf8');
  const section = md.slice(md.indexOf('## Forecast intervals'));
  assert.ok(md.includes('## Forecast intervals'), md);
  const row = section.split('\n').find((l) => l.startsWith(`| ${ALL_SOURCES_FRESH} |`));
  const pct = (v: number | undefined): string => `${(100 * (v ?? Number.NaN)).toFixed(1)} %`;
  assert.equal(
    row,
    `| ${ALL_SOURCES_FRESH} | ${fresh.intervals.map((m) => pct(m.coverage)).join(' | ')} | ${fresh.intervals.map((m) => significant(m.pinball)).join(' | ')} | ${TEST_SLOTS}/${TEST_SLOTS} |`,
  );
});
