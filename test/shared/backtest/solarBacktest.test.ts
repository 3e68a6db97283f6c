import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadBacktestConfig } from '../../../shared/backtest/loadBacktestConfig';
import { type BacktestRun, runBacktest } from '../../../shared/backtest/runBacktest';
import { ALL_SOURCES_FRESH, OUTAGE_MODEL, withoutSource } from '../../../shared/backtest/scenarioNames';
import { writeBacktestReport } from '../../../shared/backtest/writeBacktestReport';
import { smartPersistence } from '../../../shared/solar/smartPersistence';
import { solarPosition } from '../../../shared/solar/solarPosition';

/**
 * The fixture: a 5 MW park near Copenhagen in early June, power = 5000 kW x k(t) x clear-sky GHI / 1000 (-0.3 kW at
 * night), with a cloud index k(t) = 0.6 + 0.3 sin(2πt / 4.7 h) + 0.15 sin(2πt / 1.3 h + 1) clipped to 0.1..1.05,
 * written in W against local time; an upwind station sees k(t + 30 min) x clear sky. The meter is available 30
 * minutes after it observed, the station 20. Models on all sources only, so without the station the target alone
 * is fresh and the chooser falls back to the baselines.
 */
const FIXTURE = resolve(__dirname, '../../../../test/fixtures/backtest/solar-backtest.json');
const PARK = { latitude: 55.68, longitude: 12.57 };
const MINUTE_MS = 60_000;
const TEST_SLOTS = 23 * 6 + 1;

let run: Promise<BacktestRun> | undefined;
const backtest = (): Promise<BacktestRun> =>
  (run ??= runBacktest(loadBacktestConfig(FIXTURE, {}), { now: () => new Date('2026-06-07T00:00:00Z') }));

test('solar fixture: every scenario carries persistence and smart persistence per lead, and the skill against both', async () => {
  const { report } = await backtest();
  assert.equal(report.target.solar, true);
  assert.deepEqual(
    report.scenarios.map((s) => s.scenario),
    [ALL_SOURCES_FRESH, withoutSource('meter'), withoutSource('upwind'), OUTAGE_MODEL],
  );
  for (const s of report.scenarios) {
    assert.deepEqual(
      s.persistence.map((m) => m.leadMinutes),
      [20, 40, 60],
    );
    assert.deepEqual(
      s.smartPersistence?.map((m) => m.leadMinutes),
      [20, 40, 60],
      s.scenario,
    );
  }
  const fresh = report.scenarios[0];
  assert.ok(fresh?.smartPersistence);
  assert.equal(fresh.served, TEST_SLOTS);
  fresh.perLead.forEach((m, l) => {
    const p = fresh.persistence[l];
    const smart = fresh.smartPersistence?.[l];
    assert.ok(p && smart && m.smartPersistenceRmse !== undefined && m.smartSkill !== undefined);
    // The clear sky moves between the observation and the validTime; the index carries the clouds: smart wins.
    assert.ok(smart.rmse < p.rmse, `+${m.leadMinutes}: smart ${smart.rmse} vs persistence ${p.rmse}`);
    assert.ok(smart.skill > 0 && Math.abs(smart.smartSkill ?? Number.NaN) < 1e-9, JSON.stringify(smart));
    assert.equal(m.smartPersistenceRmse, smart.rmse);
    assert.ok(Math.abs(m.smartSkill - (1 - m.rmse / smart.rmse)) < 1e-3, `+${m.leadMinutes}: ${m.smartSkill}`);
    // The upwind station sees the clouds coming: the model beats both references.
    assert.ok(m.skill > 0.2 && m.smartSkill > 0.2, JSON.stringify(m));
  });
  for (const m of report.models)
    for (const h of m.heldOut) assert.ok(Number.isFinite(h.smartSkill) && Number.isFinite(h.smartPersistenceRmse));
  assert.equal(report.sample.smartPersistence?.length, report.sample.times.length);
});

test('solar fixture: with only the target fresh, the smart persistence candidate serves through ONNX and forecasts what the definition says', async () => {
  const { report, served } = await backtest();
  const without = report.scenarios.find((s) => s.scenario === withoutSource('upwind'));
  assert.deepEqual(without?.byModel, { 'smart-persistence-meter-power_kw': TEST_SLOTS });
  // Served by the candidate, scored as the reference: the same numbers.
  without?.perLead.forEach((m, l) => {
    assert.ok(Math.abs(m.rmse - (without.smartPersistence?.[l]?.rmse ?? Number.NaN)) < 0.01, JSON.stringify(m));
  });
  const actual = new Map(report.sample.times.map((t, i) => [t, report.sample.actual[i]]));
  let checked = 0;
  for (const slot of served.get(withoutSource('upwind')) ?? []) {
    const input = slot.inputs.find((i) => i.source === 'meter');
    const value = input ? actual.get(input.observedAt) : undefined;
    if (!input || value === undefined || value === null) continue;
    report.leadsMinutes.forEach((lead, l) => {
      const expected = smartPersistence(
        { value, observedAt: input.observedAt },
        PARK,
        slot.issueTime + lead * MINUTE_MS,
      );
      const got = slot.values[l] as number;
      assert.ok(
        Math.abs(got - expected) <= 1e-5 * Math.abs(expected) + 1e-3,
        `${slot.issueTime} +${lead}: ${got} vs ${expected}`,
      );
    });
    checked++;
  }
  assert.ok(checked >= TEST_SLOTS - 3, `${checked} slots checked`);
});

test('solar fixture: the Markdown shows both references and a skill-vs-smart column per lead; the ramp (not solar) shows neither', async () => {
  const { report } = await backtest();
  const md = readFileSync(
    (await writeBacktestReport(report, mkdtempSync(join(tmpdir(), 'solar-report-')))).markdown,
    'utf8',
  );
  const lines = md.split('\n');
  const header = lines.find((l) => l.startsWith('| scenario |')) ?? '';
  assert.match(
    header,
    /\| skill \+60 \| skill vs smart \+20 \| skill vs smart \+40 \| skill vs smart \+60 \| slots served \|$/,
  );
  const smartRow = lines.find((l) => l.startsWith('| smart persistence (reference) |')) ?? '';
  assert.match(smartRow, /\| 0\.0\d{3,4} \| 0\.0\d{3,4} \| 0\.0\d{3,4} \| 0 \| 0 \| 0 \| - \|$/);
  assert.ok(lines.some((l) => l.startsWith('| persistence (reference) |')));
  assert.match(md, /Skill vs smart is 1 - RMSE \/ RMSE of smart persistence/);
  const models = lines.find((l) => l.startsWith('| model |')) ?? '';
  assert.match(models, /skill vs smart \+60 \| held to limits \|$/);

  const ramp = await runBacktest(
    loadBacktestConfig(resolve(__dirname, '../../../../test/fixtures/backtest/ramp-backtest.json'), {}),
  );
  assert.ok(ramp.report.scenarios.every((s) => s.smartPersistence === undefined));
  const rampMd = readFileSync(
    (await writeBacktestReport(ramp.report, mkdtempSync(join(tmpdir(), 'ramp-report-')))).markdown,
    'utf8',
  );
  assert.doesNotMatch(rampMd, /smart/);
});

test('solar fixture: daylight metrics leave out exactly the valid times with the sun at or below 5°, beside the all-slot figures; the promise gap has them too', async () => {
  const { report } = await backtest();
  assert.deepEqual(report.daylight, { minSunElevationDeg: 5 });
  const fresh = report.scenarios[0];
  assert.ok(fresh?.daylight);
  report.leadsMinutes.forEach((lead, l) => {
    // Daylight valid times of the test slots, counted here from the sun's position alone.
    let expected = 0;
    for (let i = 0; i < TEST_SLOTS; i++) {
      const valid = new Date(Date.parse(report.test.from) + i * 10 * MINUTE_MS + lead * MINUTE_MS);
      if (solarPosition(PARK.latitude, PARK.longitude, valid).elevationDeg > 5) expected++;
    }
    const day = fresh.daylight?.perLead[l];
    const all = fresh.perLead[l];
    assert.ok(day && all);
    assert.equal(day.n, expected, `+${lead}`);
    assert.ok(day.n < all.n && day.n > all.n / 2, `+${lead}: ${day.n} of ${all.n}`);
    // The night is easy for every forecaster (zero): leaving it out raises each RMSE.
    assert.ok(day.rmse > all.rmse, `+${lead}: daylight ${day.rmse}, all ${all.rmse}`);
    assert.ok((fresh.daylight?.persistence[l]?.rmse ?? 0) > (fresh.persistence[l]?.rmse ?? 0));
    assert.equal(fresh.daylight?.smartPersistence?.[l]?.n, expected);
  });
  assert.ok(report.promiseGap?.daylight, JSON.stringify(report.notes));
  assert.equal(report.promiseGap?.daylight?.naive.operated[0]?.n, fresh.daylight?.perLead[0]?.n);
});
