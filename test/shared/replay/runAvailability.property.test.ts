import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsOf } from '../../../shared/backtest/AsOf';
import { featureNames, forecastAtLeadName } from '../../../shared/features/featureNames';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';
import { groupRowsIntoRuns, type RunRow, sliceSeriesIntoRuns } from '../../../shared/replay/forecastRuns';
import type { OutageWindow } from '../../../shared/replay/OutageWindow';
import { replayAvailability } from '../../../shared/replay/replayAvailability';
import { type DelayModelSpec, RUN_EVERY_HOURS } from '../../../shared/replay/ReplaySpec';
import type { ReplayObservation } from '../../../shared/replay/ReplayObservation';
import { buildDataset } from '../../../shared/training/buildDataset';

/**
 * Promise 1 for forecast sources, as a property: over random run schedules, per-run delays, outages, cadences,
 * leads and issue periods, the dataset rows that training builds (buildDataset, through featureRow) and the
 * inputs the backtest serves (AsOf) only ever use the newest run whose availableAt <= issueTime. Each run's values
 * encode its runAt (value = hours since BASE), so a row's feature reveals which run it read; with a declared
 * schedule (values from one series) the run's age column reveals it.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const BASE = Date.parse('2026-03-01T00:00:00Z');
const CASES = 200;

/** mulberry32: a seeded uniform draw in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  everyHours: number;
  horizonHours: number;
  delay: DelayModelSpec;
  outages: OutageWindow[];
  backlog: 'delivered' | 'lost';
  cadenceMinutes: number;
  leads: number[];
  from: number;
  to: number;
  /** Runs made from a file with a run-time column (values encode runAt) or sliced from one series by the schedule. */
  mode: 'run-column' | 'schedule';
  seed: number;
}

function randomCase(seed: number): Case {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const everyHours = pick(RUN_EVERY_HOURS);
  const minDelay = int(0, 360);
  const delay: DelayModelSpec =
    r() < 0.3
      ? { kind: 'fixed', minutes: minDelay }
      : r() < 0.5
        ? { kind: 'uniform', minMinutes: minDelay, maxMinutes: minDelay + int(0, 24 * 60) }
        : { kind: 'empirical', minutes: Array.from({ length: int(1, 6) }, () => int(0, 12 * 60)) };
  const outages: OutageWindow[] = [];
  for (let i = int(0, 2); i > 0; i--) {
    const from = BASE + int(0, 5 * 24) * HOUR_MS + int(0, 59) * MINUTE_MS;
    outages.push({ from, to: from + int(30, 24 * 60) * MINUTE_MS });
  }
  const cadenceMinutes = pick([5, 10, 15, 30, 60]);
  const leads = [
    ...new Set(Array.from({ length: int(1, 4) }, () => cadenceMinutes * int(1, (12 * 60) / cadenceMinutes))),
  ];
  const from = BASE + int(24, 4 * 24) * HOUR_MS + int(0, 59) * MINUTE_MS;
  return {
    everyHours,
    horizonHours: int(1, 60),
    delay,
    outages,
    backlog: r() < 0.5 ? 'delivered' : 'lost',
    cadenceMinutes,
    leads,
    from,
    to: from + int(6, 72) * HOUR_MS,
    mode: r() < 0.5 ? 'run-column' : 'schedule',
    seed,
  };
}

const DAYS = 9;

/** The runs of a case, replayed as the backtest replays them: per-run seeded delays, then outages. */
function replayedRuns(c: Case): HistoryRecord[] {
  let runs: ReplayObservation[];
  if (c.mode === 'run-column') {
    // A file of runs: hourly steps from runAt to the horizon, every value = the run's runAt in hours since BASE.
    const rows: RunRow[] = [];
    for (let runAt = BASE; runAt < BASE + DAYS * 24 * HOUR_MS; runAt += c.everyHours * HOUR_MS)
      for (let s = -1; s <= c.horizonHours; s++)
        rows.push({ runAt, validAt: runAt + s * HOUR_MS, values: { ghi: (runAt - BASE) / HOUR_MS } });
    runs = groupRowsIntoRuns(rows).runs;
  } else {
    // One series per valid time (every 10 minutes), sliced by the declared schedule.
    const series: ReplayObservation[] = [];
    for (let t = BASE; t < BASE + DAYS * 24 * HOUR_MS; t += 10 * MINUTE_MS)
      series.push({ observedAt: t, values: { ghi: Math.sin(t / HOUR_MS) } });
    runs = sliceSeriesIntoRuns(series, c);
  }
  return replayAvailability(runs, c.delay, c.outages, [c.seed, 'nwp'], c.backlog);
}

/** The run the availability rule allows at t: the newest by runAt among those with runAt <= t and availableAt <= t. */
function newestAvailable(runs: readonly HistoryRecord[], t: number): HistoryRecord | undefined {
  let best: HistoryRecord | undefined;
  for (const r of runs)
    if (r.availableAt <= t && r.observedAt <= t && (!best || r.observedAt > best.observedAt)) best = r;
  return best;
}

/** The naive research join: for validTime V, the newest run with runAt <= V, whether or not it was available yet. */
function naiveJoin(runs: readonly HistoryRecord[], validTime: number): HistoryRecord | undefined {
  let best: HistoryRecord | undefined;
  for (const r of runs) if (r.observedAt <= validTime && (!best || r.observedAt > best.observedAt)) best = r;
  return best;
}

function datasetOf(c: Case, runs: readonly HistoryRecord[]): ReturnType<typeof buildDataset> {
  const meter: HistoryRecord[] = [];
  for (let t = BASE; t < BASE + DAYS * 24 * HOUR_MS; t += 5 * MINUTE_MS)
    meter.push({ observedAt: t, availableAt: t, values: { y: 1 } });
  const spec: FeatureSpec = {
    sources: ['nwp'],
    fields: { nwp: ['ghi'] },
    leadsMinutes: c.leads,
    latitude: 55.68,
    longitude: 12.57,
    forecastSources: ['nwp'],
  };
  return buildDataset({
    spec,
    target: { source: 'meter', field: 'y' },
    history: new Map([
      ['nwp', runs],
      ['meter', meter],
    ]),
    from: new Date(c.from),
    to: new Date(c.to),
    cadenceMinutes: c.cadenceMinutes,
  });
}

test(`property (${CASES} random run schedules, delays, outages and issue times): no dataset row and no served input ever uses a run with availableAt after its issue time, always the newest available one`, () => {
  let rows = 0;
  let lateRuns = 0;
  for (let k = 0; k < CASES; k++) {
    const c = randomCase(1000 + k);
    const label = JSON.stringify(c);
    const runs = replayedRuns(c);
    const byRunAt = new Map(runs.map((r) => [r.observedAt, r]));
    const ds = datasetOf(c, runs);
    const names = featureNames({
      sources: ['nwp'],
      fields: { nwp: ['ghi'] },
      leadsMinutes: c.leads,
      latitude: 0,
      longitude: 0,
      forecastSources: ['nwp'],
    });
    const F = names.length;
    const ageAt = names.indexOf('nwp.age_min');
    const asOf = new AsOf(runs);
    ds.issueTimes.forEach((t, i) => {
      rows++;
      // Which run the row read: its age column (every mode), and its values (the run-column mode encodes runAt).
      const runAt = t - (ds.X[i * F + ageAt] as number) * MINUTE_MS;
      const used = byRunAt.get(runAt);
      assert.ok(
        used,
        `${label}: row at ${new Date(t).toISOString()} read no replayed run (${new Date(runAt).toISOString()})`,
      );
      assert.ok(
        used.availableAt <= t,
        `${label}: at ${new Date(t).toISOString()} the row read the run of ${new Date(runAt).toISOString()}, available ${new Date(used.availableAt).toISOString()}`,
      );
      assert.equal(runAt, newestAvailable(runs, t)?.observedAt, `${label}: the newest available run`);
      assert.equal(ds.used['nwp']?.availableAt[i], used.availableAt);
      if (c.mode === 'run-column')
        for (const lead of c.leads)
          assert.equal(
            ds.X[i * F + names.indexOf(forecastAtLeadName('nwp', 'ghi', lead))],
            (runAt - BASE) / HOUR_MS,
            `${label}: +${lead} read the run it names`,
          );
      if (runs.some((r) => r.observedAt > runAt && r.observedAt <= t && r.availableAt > t)) lateRuns++;
    });
    // The serving path (serveSlots reads AsOf) picks the same run at every slot of the period, rows or not.
    for (let t = c.from; t <= c.to; t += c.cadenceMinutes * MINUTE_MS) {
      const served = asOf.at(t);
      assert.equal(
        served?.observedAt,
        newestAvailable(runs, t)?.observedAt,
        `${label}: served at ${new Date(t).toISOString()}`,
      );
      if (served) assert.ok(served.availableAt <= t && served.observedAt <= t);
    }
  }
  // The property was exercised: many rows, and many where a newer run existed but was not yet available.
  assert.ok(rows > 5000, `${rows} rows`);
  assert.ok(lateRuns > 500, `${lateRuns} rows with a newer run not yet available`);
});

test(`joining on validTime alone (the newest run with runAt <= validTime) would have used runs not yet available at the issue time, in most of the ${CASES} cases`, () => {
  let leaks = 0;
  let pairs = 0;
  let casesWithLeak = 0;
  for (let k = 0; k < CASES; k++) {
    const c = randomCase(1000 + k);
    const runs = replayedRuns(c);
    let leaked = false;
    for (let t = c.from; t <= c.to; t += c.cadenceMinutes * MINUTE_MS)
      for (const lead of c.leads) {
        const naive = naiveJoin(runs, t + lead * MINUTE_MS);
        if (!naive) continue;
        pairs++;
        if (naive.availableAt > t) {
          leaks++;
          leaked = true;
          // And the as-of join read another run there.
          assert.notEqual(naive.observedAt, newestAvailable(runs, t)?.observedAt);
        }
      }
    if (leaked) casesWithLeak++;
  }
  assert.ok(casesWithLeak > CASES / 2, `${casesWithLeak} of ${CASES} cases`);
  assert.ok(leaks > pairs / 4, `${leaks} of ${pairs} (issue time, lead) pairs`);
});

test('joining on validTime alone, one case by hand: runs at 00 and 06 UTC available 240 minutes after; at 07:00 for 08:00 the naive join reads the 06:00 run (available 10:00), the dataset the 00:00 run', () => {
  const rows: RunRow[] = [];
  for (const runHour of [0, 6, 12])
    for (let s = 0; s <= 12; s++)
      rows.push({ runAt: BASE + runHour * HOUR_MS, validAt: BASE + (runHour + s) * HOUR_MS, values: { ghi: runHour } });
  const runs = replayAvailability(groupRowsIntoRuns(rows).runs, { kind: 'fixed', minutes: 240 }, [], [1, 'nwp']);
  const t = BASE + 7 * HOUR_MS;
  const naive = naiveJoin(runs, t + 60 * MINUTE_MS);
  assert.equal(naive?.observedAt, BASE + 6 * HOUR_MS);
  assert.equal(naive?.availableAt, BASE + 10 * HOUR_MS);
  const ds = datasetOf(
    {
      everyHours: 6,
      horizonHours: 12,
      delay: { kind: 'fixed', minutes: 240 },
      outages: [],
      backlog: 'delivered',
      cadenceMinutes: 60,
      leads: [60],
      from: t,
      to: t,
      mode: 'run-column',
      seed: 1,
    },
    runs,
  );
  assert.deepEqual(ds.issueTimes, [t]);
  assert.deepEqual([...ds.X.slice(0, 2)], [0, 7 * 60]); // nwp.ghi@+60 from the 00:00 run, 420 minutes old
});
