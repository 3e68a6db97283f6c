import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import { makePredictHandler } from '../../functions/predict';
import type { Forecast } from '../../shared/forecast/Forecast';
import { smartPersistence } from '../../shared/solar/smartPersistence';
import { CONTAINERS, StorageUnavailableError } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testConfig, testServices } from '../support/testServices';
import { ForecastSummaryStore } from '../../shared/predict/ForecastSummaryStore';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

async function observe(
  s: ReturnType<typeof testServices>,
  source: string,
  observedAt: string,
  availableAt: string,
  values: Record<string, number>,
): Promise<void> {
  await s.observations.putIfAbsent(CONTAINERS.raw, { source, site: 'park-1', observedAt, availableAt, values });
}

test('predict uses the newest observation available at issueTime, never a newer one that arrived later', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:20:00.000Z', '2026-06-01T11:45:00.000Z', {
    power_kw: 1500,
    ghi_wm2: 600,
  });
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  // Observed later but only available after the issue slot began: must not be used.
  await observe(s, 'site-meter', '2026-06-01T11:40:00.000Z', '2026-06-01T12:01:00.000Z', {
    power_kw: 9999,
    ghi_wm2: 999,
  });
  await observe(s, 'weather', '2026-06-01T11:30:00.000Z', '2026-06-01T11:50:00.000Z', {
    temp_c: 20,
    wind_speed_ms: 5,
    wind_dir_deg: 270,
    humidity_pct: 60,
    pressure_hpa: 1013,
  });

  const result = await makePredictHandler(() => s)(timer, new InvocationContext({ functionName: 'predict' }));
  assert.equal(result.issueTime, '2026-06-01T12:00:00.000Z');
  const f = result.forecasts[0] as Forecast;
  assert.equal(f.site, 'park-1');
  // The shipped target is solar: smart persistence of the 11:30 value (1700 kW) serves, and each lead carries it.
  const smart = (validTime: string): number =>
    Math.round(
      smartPersistence(
        { value: 1700, observedAt: Date.parse('2026-06-01T11:30:00Z') },
        s.config.sites[0] as { latitude: number; longitude: number },
        Date.parse(validTime),
      ) * 1000,
    ) / 1000;
  assert.deepEqual(
    f.leads.map((l) => [l.leadMinutes, l.validTime]),
    [
      [20, '2026-06-01T12:20:00.000Z'],
      [40, '2026-06-01T12:40:00.000Z'],
      [60, '2026-06-01T13:00:00.000Z'],
    ],
  );
  for (const l of f.leads) {
    assert.ok(l.validTime > f.issueTime);
    assert.equal(l.smartPersistence, smart(l.validTime));
    // The ONNX graph computes in float32.
    assert.ok(Math.abs(l.value - smart(l.validTime)) < 0.01, `${l.value} vs ${smart(l.validTime)}`);
    // Early afternoon: the sun sinks, so less than plain persistence of 1700.
    assert.ok(l.value < 1700);
  }
  assert.equal(f.model.kind, 'smart-persistence');
  const meter = f.inputs.find((i) => i.source === 'site-meter');
  assert.deepEqual(meter, {
    source: 'site-meter',
    observedAt: '2026-06-01T11:30:00.000Z',
    availableAt: '2026-06-01T11:59:00.000Z',
    ageMinutes: 30,
    used: true,
    // Too few live records to learn from: the default limit judged it, and the forecast says so.
    limitMinutes: 90,
  });
  assert.equal(f.inputs.find((i) => i.source === 'weather')?.used, false);
  for (const i of f.inputs) assert.ok(i.availableAt <= f.issueTime);
  assert.deepEqual(
    f.missing.map((m) => [m.source, m.reason.split(':')[0]]),
    [
      ['neighbors', 'never seen'],
      ['weather', 'fresh, but not an input of smart-persistence-site-meter-power_kw'],
      ['skycam', 'never seen'],
      ['nwp', 'never seen'],
    ],
  );

  assert.deepEqual(await s.forecasts.latest('park-1'), f);
  // The blob copy: one shard for the run's sites, not a blob per site.
  const copy = await s.blobs.get(CONTAINERS.forecasts, 'latest/1/0.json');
  assert.deepEqual(JSON.parse(copy?.body.toString() ?? '{}'), { forecasts: [f] });
});

test('a target that is not solar: plain persistence serves and the forecast carries no smart persistence', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const config = testConfig();
  const s = testServices(clock, { ...config, target: { ...config.target, solar: false } });
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  const result = await makePredictHandler(() => s)(timer, new InvocationContext());
  const f = result.forecasts[0] as Forecast;
  assert.equal(f.model.id, 'persistence-site-meter-power_kw');
  assert.deepEqual(
    f.leads.map((l) => Object.keys(l)),
    f.leads.map(() => ['leadMinutes', 'validTime', 'value']),
  );
  assert.deepEqual(
    f.leads.map((l) => l.value),
    [1700, 1700, 1700],
  );
});

test('running predict twice for the same slot leaves one forecast', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  const handler = makePredictHandler(() => s);
  await handler(timer, new InvocationContext());
  clock.set('2026-06-01T12:09:59Z');
  await handler(timer, new InvocationContext());
  assert.equal(s.forecasts.docs.size, 1);
});

test('with no target data available the site is skipped with the reason, nothing is written', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:00:00Z')));
  const result = await makePredictHandler(() => s)(timer, new InvocationContext());
  assert.equal(result.forecasts.length, 0);
  assert.match(
    result.skipped[0]?.reason ?? '',
    /no model can run: no observation available at issueTime from site-meter/,
  );
  assert.equal(s.forecasts.docs.size, 0);
});

test('when Cosmos DB is down the forecast is kept in Blob Storage as pending, and written once it is back', async () => {
  const { ForecastStoreUnavailableError } = await import('../../shared/forecast/ForecastStore');
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  const handler = makePredictHandler(() => s);
  s.forecasts.failWith = new ForecastStoreUnavailableError('connect ECONNREFUSED');
  const down = await handler(timer, new InvocationContext());
  assert.equal(down.pending, 1);
  assert.equal(s.forecasts.docs.size, 0);
  // The dashboard's summary (written once per run) says Cosmos DB did not take them.
  assert.deepEqual(s.blobs.names(CONTAINERS.forecasts), [
    'latest/1/0.json',
    'pending/2026-06-01T12:00:00.000Z.json',
    'summary/1/0.json',
  ]);
  assert.equal((await new ForecastSummaryStore(s.blobs).read(0, 1))?.summary.forecastStoreOk, false);

  s.forecasts.failWith = undefined;
  clock.set('2026-06-01T12:10:30Z');
  await observe(s, 'site-meter', '2026-06-01T11:40:00.000Z', '2026-06-01T12:08:00.000Z', {
    power_kw: 1800,
    ghi_wm2: 660,
  });
  const back = await handler(timer, new InvocationContext());
  assert.equal(back.flushed, 1);
  assert.equal(back.pending, 0);
  assert.deepEqual([...s.forecasts.docs.keys()].sort(), [
    'park-1|2026-06-01T12:00:00.000Z',
    'park-1|2026-06-01T12:10:00.000Z',
  ]);
  assert.deepEqual(s.blobs.names(CONTAINERS.forecasts), ['latest/1/0.json', 'summary/1/0.json']);
  assert.equal((await new ForecastSummaryStore(s.blobs).read(0, 1))?.summary.forecastStoreOk, true);
});

test('slots a late or failed run missed are made by the next run, each as of its own issueTime', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:00:00.000Z', '2026-06-01T11:25:00.000Z', {
    power_kw: 1000,
    ghi_wm2: 500,
  });
  await observe(s, 'site-meter', '2026-06-01T11:20:00.000Z', '2026-06-01T11:52:00.000Z', {
    power_kw: 1200,
    ghi_wm2: 550,
  });
  await s.status.record('predict', {
    at: '2026-06-01T11:30:05.000Z',
    ok: true,
    summary: 'ok',
    details: { issueTime: '2026-06-01T11:30:00.000Z' },
  });
  const result = await makePredictHandler(() => s)(timer, new InvocationContext());
  assert.deepEqual(result.caughtUp, ['2026-06-01T11:40:00.000Z', '2026-06-01T11:50:00.000Z']);
  const made = [...s.forecasts.docs.values()].sort((a, b) => a.issueTime.localeCompare(b.issueTime));
  assert.deepEqual(
    made.map((f) => [f.issueTime, f.inputs.find((i) => i.source === 'site-meter')?.observedAt]),
    [
      ['2026-06-01T11:40:00.000Z', '2026-06-01T11:00:00.000Z'],
      ['2026-06-01T11:50:00.000Z', '2026-06-01T11:00:00.000Z'],
      ['2026-06-01T12:00:00.000Z', '2026-06-01T11:20:00.000Z'],
    ],
  );
  for (const f of made) for (const i of f.inputs) assert.ok(i.availableAt <= f.issueTime);
  assert.equal((await s.forecasts.latest('park-1'))?.issueTime, '2026-06-01T12:00:00.000Z');
});

test('a run that cannot read its last status fails (to be retried) and the next run catches up the slot it missed', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  const handler = makePredictHandler(() => s);
  await handler(timer, new InvocationContext());
  // Blob Storage goes down for the 12:10 run: reading the last status fails, and so does the run.
  clock.set('2026-06-01T12:10:30Z');
  const get = s.blobs.get.bind(s.blobs);
  s.blobs.get = async () => {
    throw new StorageUnavailableError('Blob Storage could not read state/status/predict.json: connect ECONNREFUSED');
  };
  await assert.rejects(handler(timer, new InvocationContext()), /ECONNREFUSED/);
  s.blobs.get = get;
  // Back at 12:20: the 12:10 slot is made as of its own issueTime, then the current one.
  clock.set('2026-06-01T12:20:30Z');
  const result = await handler(timer, new InvocationContext());
  assert.deepEqual(result.caughtUp, ['2026-06-01T12:10:00.000Z']);
  assert.deepEqual([...s.forecasts.docs.values()].map((f) => f.issueTime).sort(), [
    '2026-06-01T12:00:00.000Z',
    '2026-06-01T12:10:00.000Z',
    '2026-06-01T12:20:00.000Z',
  ]);
});

test('with Cosmos DB down, a catch-up run tries it once and keeps every slot pending instead of paying a timeout per slot', async () => {
  const { ForecastStoreUnavailableError } = await import('../../shared/forecast/ForecastStore');
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  const handler = makePredictHandler(() => s);
  await handler(timer, new InvocationContext());
  let attempts = 0;
  const upsertMany = s.forecasts.upsertMany.bind(s.forecasts);
  s.forecasts.upsertMany = async () => {
    attempts++;
    throw new ForecastStoreUnavailableError('connect ECONNREFUSED');
  };
  clock.set('2026-06-01T12:40:30Z');
  const down = await handler(timer, new InvocationContext());
  assert.deepEqual(down.caughtUp, ['2026-06-01T12:10:00.000Z', '2026-06-01T12:20:00.000Z', '2026-06-01T12:30:00.000Z']);
  assert.equal(attempts, 1);
  assert.equal(down.pending, 4);
  s.forecasts.upsertMany = upsertMany;
  clock.set('2026-06-01T12:50:30Z');
  const back = await handler(timer, new InvocationContext());
  assert.equal(back.flushed, 4);
  assert.deepEqual([...s.forecasts.docs.values()].map((f) => f.issueTime.slice(11, 16)).sort(), [
    '12:00',
    '12:10',
    '12:20',
    '12:30',
    '12:40',
    '12:50',
  ]);
});

test('Cosmos DB writes a run in one bulk call; the forecasts it did not take go pending in one blob for the slot', async () => {
  const { ForecastStoreUnavailableError } = await import('../../shared/forecast/ForecastStore');
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const config = testConfig();
  const park = config.sites[0] as (typeof config.sites)[number];
  const s = testServices(clock, { ...config, sites: [park, { ...park, id: 'park-2' }, { ...park, id: 'park-3' }] });
  for (const site of ['park-1', 'park-2', 'park-3'])
    await s.observations.putIfAbsent(CONTAINERS.raw, {
      source: 'site-meter',
      site,
      observedAt: '2026-06-01T11:30:00.000Z',
      availableAt: '2026-06-01T11:59:00.000Z',
      values: { power_kw: 1700, ghi_wm2: 650 },
    });
  const calls: string[][] = [];
  const upsertMany = s.forecasts.upsertMany.bind(s.forecasts);
  s.forecasts.upsertMany = async (forecasts) => {
    calls.push(forecasts.map((f) => f.site));
    // Cosmos DB takes two and throttles the third past the client's retries.
    await upsertMany(forecasts.filter((f) => f.site !== 'park-2'));
    throw new ForecastStoreUnavailableError(
      'Cosmos DB could not write the forecast of park-2 (HTTP 429)',
      undefined,
      50,
      ['park-2|2026-06-01T12:00:00.000Z'],
    );
  };
  const handler = makePredictHandler(() => s);
  const down = await handler(timer, new InvocationContext());
  assert.deepEqual(calls, [['park-1', 'park-2', 'park-3']]);
  assert.equal(down.pending, 1);
  assert.deepEqual([...s.forecasts.docs.keys()].sort(), [
    'park-1|2026-06-01T12:00:00.000Z',
    'park-3|2026-06-01T12:00:00.000Z',
  ]);
  assert.deepEqual(s.blobs.names(CONTAINERS.forecasts), [
    'latest/1/0.json',
    'pending/2026-06-01T12:00:00.000Z.json',
    'summary/1/0.json',
  ]);

  s.forecasts.upsertMany = upsertMany;
  clock.set('2026-06-01T12:10:30Z');
  const back = await handler(timer, new InvocationContext());
  assert.equal(back.flushed, 1);
  assert.equal(s.forecasts.docs.size, 6);
  assert.deepEqual(s.blobs.names(CONTAINERS.forecasts), ['latest/1/0.json', 'summary/1/0.json']);
});

test('pending forecasts an earlier deployment kept one per blob are written and cleared like the new ones', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, 'site-meter', '2026-06-01T11:30:00.000Z', '2026-06-01T11:59:00.000Z', {
    power_kw: 1700,
    ghi_wm2: 650,
  });
  const handler = makePredictHandler(() => s);
  const first = await handler(timer, new InvocationContext());
  const made = first.forecasts[0] as Forecast;
  // As the per-site layout kept a forecast of an earlier slot while Cosmos DB was down.
  const kept = { ...made, id: 'park-1|2026-06-01T11:50:00.000Z', issueTime: '2026-06-01T11:50:00.000Z' };
  await s.blobs.put(CONTAINERS.forecasts, 'pending/park-1/2026-06-01T11:50:00.000Z.json', JSON.stringify(kept), {
    metadata: { site: 'park-1' },
  });
  clock.set('2026-06-01T12:10:30Z');
  const next = await handler(timer, new InvocationContext());
  assert.equal(next.flushed, 1);
  assert.deepEqual(s.forecasts.docs.get(kept.id), kept);
  assert.deepEqual(s.blobs.names(CONTAINERS.forecasts), ['latest/1/0.json', 'summary/1/0.json']);
});
