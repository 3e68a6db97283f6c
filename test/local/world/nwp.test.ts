import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunValueKey, runSteps } from '../../../shared/sources/forecastRun';
import { NWP_HORIZON_MINUTES, NWP_STEP_MINUTES } from '../../../local/world/nwpErrors';
import { World } from '../../../local/world/World';

const SITE = { id: 'park-1', latitude: 55.68, longitude: 12.57 };
const world = new World({ seed: 42, sites: [SITE] });
const HOUR = 3_600_000;
const START = Date.UTC(2026, 5, 1);

test('nwp: a run carries ghi_wm2 and cloud_cover (0..1) every 15 minutes from +0 to +12 h, deterministic from the seed', () => {
  const runAt = new Date(START + 9 * HOUR);
  const run = world.nwpRun('park-1', runAt);
  const steps = NWP_HORIZON_MINUTES / NWP_STEP_MINUTES + 1;
  assert.equal(Object.keys(run).length, 2 * steps);
  for (const [key, v] of Object.entries(run)) {
    const k = parseRunValueKey(key);
    assert.ok(k && ['ghi_wm2', 'cloud_cover'].includes(k.field), key);
    assert.equal(k.offsetMinutes % NWP_STEP_MINUTES, 0);
    assert.ok(Number.isFinite(v) && v >= 0, `${key}: ${v}`);
    if (k.field === 'cloud_cover') assert.ok(v <= 1, `${key}: ${v}`);
    else assert.ok(v <= world.clearSkyGhi('park-1', new Date(runAt.getTime() + k.offsetMinutes * 60_000)) + 0.05, key);
  }
  assert.deepEqual(runSteps(run, 'ghi_wm2').offsets.at(-1), NWP_HORIZON_MINUTES);
  // The same seed: the same run, in another World too; another seed: another run.
  assert.deepEqual(new World({ seed: 42, sites: [SITE] }).nwpRun('park-1', runAt), run);
  assert.notDeepEqual(new World({ seed: 43, sites: [SITE] }).nwpRun('park-1', runAt), run);
  // At night the irradiance is zero at every step.
  const night = world.nwpRun('park-1', new Date(START - 3 * HOUR));
  assert.equal(night['ghi_wm2@+60'], 0);
});

test('nwp: each run is published 60-120 minutes after it started, spread over that range', () => {
  const delays: number[] = [];
  for (let h = 0; h < 24 * 14; h++) {
    const runAt = new Date(START + h * HOUR);
    const delay = (world.publishedAt('nwp', 'park-1', runAt).getTime() - runAt.getTime()) / 60_000;
    assert.ok(delay >= 60 && delay <= 120, `run ${runAt.toISOString()}: ${delay} min`);
    delays.push(delay);
  }
  assert.ok(Math.min(...delays) < 70 && Math.max(...delays) > 110, 'spread over the range');
  assert.equal(
    world.publishedAt('nwp', 'park-1', new Date(START)).getTime(),
    new World({ seed: 42, sites: [SITE] }).publishedAt('nwp', 'park-1', new Date(START)).getTime(),
  );
});

test('nwp: the forecast carries information but is imperfect, and its error grows with lead (RMSE vs the true irradiance)', () => {
  const se = new Map<number, { sum: number; n: number }>();
  let climatology = 0;
  let climatologyN = 0;
  for (let h = 0; h < 24 * 14; h++) {
    const runAt = START + h * HOUR;
    const run = world.nwpRun('park-1', new Date(runAt));
    for (const lead of [60, 600]) {
      const valid = new Date(runAt + lead * 60_000);
      const clear = world.clearSkyGhi('park-1', valid);
      if (clear < 50) continue;
      const truth = world.trueGhi('park-1', valid);
      const e = se.get(lead) ?? { sum: 0, n: 0 };
      e.sum += ((run[`ghi_wm2@+${lead}`] as number) - truth) ** 2;
      e.n++;
      se.set(lead, e);
      if (lead === 60) {
        climatology += (0.75 * clear - truth) ** 2;
        climatologyN++;
      }
    }
  }
  const rmse = (lead: number): number => Math.sqrt((se.get(lead)?.sum ?? NaN) / (se.get(lead)?.n ?? NaN));
  const near = rmse(60);
  const far = rmse(600);
  assert.ok(near > 20, `+1 h RMSE ${near.toFixed(1)} W/m² is not perfect`);
  assert.ok(near < far, `+1 h RMSE ${near.toFixed(1)} < +10 h RMSE ${far.toFixed(1)}`);
  assert.ok(
    far < Math.sqrt(climatology / climatologyN),
    `+10 h RMSE ${far.toFixed(1)} beats 0.75 x clear sky (${Math.sqrt(climatology / climatologyN).toFixed(1)})`,
  );
});

test('nwp: fast enough to serve weeks of runs (two weeks of hourly runs well under a few seconds)', () => {
  const began = process.hrtime.bigint();
  for (let h = 0; h < 24 * 14; h++) world.nwpRun('park-1', new Date(START + 24 * 14 * HOUR + h * HOUR));
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
});
