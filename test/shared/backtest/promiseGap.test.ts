import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBacktestConfig } from '../../../shared/backtest/loadBacktestConfig';
import { gapPct, NAIVE_OFFLINE, NAIVE_OPERATED } from '../../../shared/backtest/promiseGap';
import { type BacktestRun, runBacktest } from '../../../shared/backtest/runBacktest';

/**
 * The seed's lesson, built so it can be proved: the neighbour's value x leads the target by exactly 30 minutes
 * (y(t) = x(t - 30 min)), x is a seeded AR(1) series on a 10-minute grid, and the neighbour is delivered exactly 30
 * minutes late (the meter 10). Joined on observedAt, the neighbour at issueTime T is x(T) = y(T + 30): a linear model
 * predicts the +30 target almost exactly. Operated, the newest neighbour value at T is x(T - 30), so the same model
 * predicts x(T - 30) for x(T) and misses by their difference.
 */
const MINUTE_MS = 60_000;
const START = Date.parse('2026-04-01T00:00:00Z');
const DAYS = 9;
const STEP = 10 * MINUTE_MS;

function series(): { times: number[]; x: number[] } {
  // mulberry32 + Box-Muller: the same series on every machine.
  let a = 12345;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const times: number[] = [];
  const x: number[] = [];
  let v = 0;
  for (let t = START; t < START + DAYS * 86_400_000; t += STEP) {
    v = 0.9 * v + normal();
    times.push(t);
    x.push(v);
  }
  return { times, x };
}

let run: Promise<{ run: BacktestRun; times: number[]; x: number[] }> | undefined;
function backtest(): Promise<{ run: BacktestRun; times: number[]; x: number[] }> {
  run ??= (async () => {
    const { times, x } = series();
    const dir = mkdtempSync(join(tmpdir(), 'promise-gap-'));
    const lines = ['time,y,x'];
    // y(t) = x(t - 30 min): three steps behind.
    times.forEach((t, i) => {
      if (i >= 3) lines.push(`${new Date(t).toISOString()},${x[i - 3]},${x[i]}`);
    });
    writeFileSync(join(dir, 'lead.csv'), `${lines.join('\n')}\n`);
    const sensor = (id: string, field: string) => ({
      id,
      kind: 'sensor',
      provider: { endpoint: `https://example.invalid/${id}`, apiKey: 'k' },
      schedule: '0 */5 * * * *',
      fields: [field],
    });
    writeFileSync(
      join(dir, 'backtest.json'),
      JSON.stringify({
        name: 'lead',
        forecastConfig: {
          sites: [{ id: 'site-a', latitude: 55.68, longitude: 12.57 }],
          sources: [sensor('meter', 'y'), sensor('neighbour', 'x')],
          target: { source: 'meter', field: 'y', unit: 'kW' },
          forecast: { leadsMinutes: [30], cadenceMinutes: 10 },
        },
        seed: 1,
        sources: {
          meter: {
            replay: { kind: 'csv', file: 'lead.csv', timeColumn: 'time', columns: [{ column: 'y', field: 'y' }] },
            delay: { kind: 'fixed', minutes: 10 },
          },
          neighbour: {
            replay: { kind: 'csv', file: 'lead.csv', timeColumn: 'time', columns: [{ column: 'x', field: 'x' }] },
            delay: { kind: 'fixed', minutes: 30 },
          },
        },
        train: { from: '2026-04-01T06:00:00Z', to: '2026-04-07T00:00:00Z' },
        test: { from: '2026-04-07T00:00:00Z', to: '2026-04-09T00:00:00Z' },
        training: { sourceSets: 'all', kinds: ['linear'], minTrainingRows: 100 },
        outputDir: 'out',
      }),
    );
    const result = await runBacktest(loadBacktestConfig(join(dir, 'backtest.json'), {}), {
      now: () => new Date('2026-04-10T00:00:00Z'),
    });
    return { run: result, times, x };
  })();
  return run;
}

/** RMSE of x(T) - x(T - k steps) over the issue slots T of [from, to). */
function rmseOfLag(times: number[], x: number[], from: number, to: number, k: number): number {
  let sum = 0;
  let n = 0;
  times.forEach((t, i) => {
    if (t >= from && t < to && i >= k) {
      sum += ((x[i] as number) - (x[i - k] as number)) ** 2;
      n++;
    }
  });
  return Math.sqrt(sum / n);
}

test('promise gap: joined on observedAt the naive model promises almost exact +30 forecasts; operated it delivers the error of x(T - 30) for x(T), and report.json says so', async () => {
  const { run: r, times, x } = await backtest();
  const gap = r.report.promiseGap;
  assert.ok(gap, `no promise gap: ${r.report.notes.join('; ')}`);
  assert.equal(gap.model.kind, 'linear');
  assert.deepEqual(gap.model.sources, ['meter', 'neighbour']);
  // Issue slots 00:00 .. 23:30 on both test days: the +30 target of each is in the test period.
  assert.equal(gap.slots, 2 * 144 - 2);
  const offline = gap.naive.offline[0];
  const operated = gap.naive.operated[0];
  const aware = gap.aware[0];
  assert.ok(offline && operated && aware);
  assert.equal(offline.n, gap.slots);
  assert.equal(operated.n, gap.slots);

  // The issue slots T scored: the +30 target y(T + 30) is x(T).
  const from = Date.parse('2026-04-07T00:00:00Z');
  const to = Date.parse('2026-04-08T23:40:00Z');
  // Operated, the neighbour is x(T - 30) and the model weighs it about 1: the miss is x(T) - x(T - 30).
  const lag3 = rmseOfLag(times, x, from, to, 3);
  assert.ok(offline.rmse < 0.05 * lag3, `offline RMSE ${offline.rmse} should be near 0 (lag-3 RMSE ${lag3})`);
  assert.ok(Math.abs(operated.rmse - lag3) < 0.1 * lag3, `operated RMSE ${operated.rmse}, x(T) - x(T-30): ${lag3}`);
  assert.ok(operated.rmse > 10 * offline.rmse);
  // The gap is reported, and is what the two figures say.
  const pct = gap.gapPct[0] as number;
  assert.ok(pct > 900, `gap ${pct} %`);
  assert.ok(Math.abs(pct - (100 * (operated.rmse - offline.rmse)) / offline.rmse) < 0.1);
  // Its aware twin is scored on the same slots (on this noise it has nothing to gain: the figure is only reported).
  assert.equal(aware.n, gap.slots);
  assert.ok(Number.isFinite(aware.rmse));

  // Persistence: research persists y(T) = x(T - 30); operation the newest available, y(T - 10) = x(T - 40).
  const pOffline = gap.persistence.offline[0];
  const pOperated = gap.persistence.operated[0];
  assert.ok(pOffline && pOperated);
  assert.ok(Math.abs(pOffline.rmse - lag3) < 1e-3 * lag3, `${pOffline.rmse} vs ${lag3}`);
  const lag4 = rmseOfLag(times, x, from, to, 4);
  assert.ok(Math.abs(pOperated.rmse - lag4) < 1e-3 * lag4, `${pOperated.rmse} vs ${lag4}`);
  assert.ok((gap.persistenceGapPct[0] as number) > 0);
  // Not a solar target: no daylight figures.
  assert.equal(gap.daylight, undefined);
  assert.equal(r.report.daylight, null);
});

test('promise gap: the naive model read the neighbour as observed at issueTime offline, and 30 minutes old operated', async () => {
  const { run: r } = await backtest();
  const offline = r.research.get(NAIVE_OFFLINE) ?? [];
  const operated = r.research.get(NAIVE_OPERATED) ?? [];
  assert.ok(offline.length > 0 && offline.length === operated.length);
  for (const s of offline.filter((s) => s.model)) {
    const n = s.inputs.find((i) => i.source === 'neighbour');
    assert.equal(n?.observedAt, s.issueTime);
  }
  for (const s of operated.filter((s) => s.model)) {
    const n = s.inputs.find((i) => i.source === 'neighbour');
    assert.equal(n?.observedAt, s.issueTime - 30 * MINUTE_MS);
    assert.ok((n?.availableAt ?? Infinity) <= s.issueTime);
  }
});

test('gapPct: 100 × (operated − offline) / offline, one decimal; NaN without an offline figure', () => {
  const m = (rmse: number) => ({ leadMinutes: 10, rmse, mae: rmse, skill: 0, n: 1 });
  assert.deepEqual(gapPct([m(2), m(0)], [m(3), m(1)]), [50, Number.NaN]);
  assert.deepEqual(gapPct([m(0.444)], [m(0.5)]), [12.6]);
});
