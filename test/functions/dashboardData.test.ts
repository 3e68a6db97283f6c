import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, type HttpResponseInit, InvocationContext, type Timer } from '@azure/functions';
import { makeDashboardDataHandler } from '../../functions/dashboardData';
import { makePredictHandler } from '../../functions/predict';
import type { DashboardData } from '../../shared/dashboard/readDashboardData';
import type { HealthReport } from '../../shared/health/checkHealth';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

type Stack = ReturnType<typeof testServices>;

async function observe(s: Stack, observedAt: string, availableAt: string, power: number): Promise<void> {
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'site-meter',
    site: 'park-1',
    observedAt,
    availableAt,
    values: { power_kw: power, ghi_wm2: power / 2.5 },
  });
}

const predict = (s: Stack) => makePredictHandler(() => s)(timer, new InvocationContext({ functionName: 'predict' }));

async function call(s: Stack, query: string): Promise<HttpResponseInit> {
  return makeDashboardDataHandler(() => s)(
    new HttpRequest({ method: 'GET', url: `http://localhost:7071/api/dashboard/data?${query}` }),
    new InvocationContext({ functionName: 'dashboard-data' }),
  );
}

/** Counts what a call reads beyond single blobs: listings (observations) and Cosmos DB range queries. */
function countReads(s: Stack): { lists: number; ranges: number } {
  const counts = { lists: 0, ranges: 0 };
  const list = s.blobs.list.bind(s.blobs);
  s.blobs.list = (container, prefix) => {
    counts.lists++;
    return list(container, prefix);
  };
  const range = s.forecasts.range.bind(s.forecasts);
  s.forecasts.range = (site, from, to) => {
    counts.ranges++;
    return range(site, from, to);
  };
  return counts;
}

/** A stack with two predict runs' worth of target values, and predict run at 12:00. */
async function stackAtNoon(): Promise<{ s: Stack; clock: FixedClock }> {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, '2026-06-01T11:20:00.000Z', '2026-06-01T11:45:00.000Z', 1500);
  await observe(s, '2026-06-01T11:30:00.000Z', '2026-06-01T11:58:00.000Z', 1600);
  await predict(s);
  return { s, clock };
}

test('a first load gets the whole window once; the same cursor again is a 304 that reads one summary, no listing, no query', async () => {
  const { s, clock } = await stackAtNoon();
  clock.set('2026-06-01T12:05:00Z');
  const counts = countReads(s);
  const first = await call(s, 'site=park-1&hours=6');
  assert.equal(first.status, 200);
  const body = first.jsonBody as DashboardData<HealthReport>;
  assert.equal(body.mode, 'window');
  assert.equal(body.asOf, '2026-06-01T12:00:00.000Z');
  assert.deepEqual(
    body.forecasts.map((f) => f.issueTime),
    ['2026-06-01T12:00:00.000Z'],
  );
  assert.deepEqual(
    body.actuals.map((a) => a.value),
    [1500, 1600],
  );
  assert.equal(body.latest?.issueTime, '2026-06-01T12:00:00.000Z');
  assert.match(body.cursor, /^2026-06-01T12:00:00\.000Z~[0-9a-f]{8}$/);
  assert.equal((first.headers as Record<string, string>)['etag'], `"${body.cursor}"`);
  // The health facts as predict saw them at the slot, in the report's own shape.
  assert.equal(
    body.health?.sources.find((x) => x.id === 'site-meter')?.sites[0]?.newestObservedAt,
    '2026-06-01T11:30:00.000Z',
  );
  assert.equal(body.health?.model.serving[0]?.model, body.latest?.model.id);
  assert.ok(counts.ranges === 1 && counts.lists > 0, 'the first load reads the window');

  counts.lists = 0;
  counts.ranges = 0;
  clock.set('2026-06-01T12:05:30Z');
  const again = await call(s, `site=park-1&hours=6&since=${encodeURIComponent(body.cursor)}`);
  assert.equal(again.status, 304);
  assert.equal(again.jsonBody, undefined);
  const headers = again.headers as Record<string, string>;
  assert.equal(headers['etag'], `"${body.cursor}"`);
  assert.equal(headers['x-server-time'], '2026-06-01T12:05:30.000Z');
  assert.deepEqual(counts, { lists: 0, ranges: 0 });
});

test('after the next predict run a refresh gets only the newer forecast and values, from the summary alone', async () => {
  const { s, clock } = await stackAtNoon();
  const first = (await call(s, 'site=park-1')).jsonBody as DashboardData<HealthReport>;
  clock.set('2026-06-01T12:10:30Z');
  await observe(s, '2026-06-01T11:40:00.000Z', '2026-06-01T12:06:00.000Z', 1700);
  await predict(s);
  clock.set('2026-06-01T12:11:00Z');
  const counts = countReads(s);
  const next = await call(s, `site=park-1&since=${encodeURIComponent(first.cursor)}`);
  assert.equal(next.status, 200);
  const delta = next.jsonBody as DashboardData<HealthReport>;
  assert.equal(delta.mode, 'delta');
  assert.deepEqual(
    delta.forecasts.map((f) => f.issueTime),
    ['2026-06-01T12:10:00.000Z'],
  );
  assert.deepEqual(delta.actuals, [
    { observedAt: '2026-06-01T11:40:00.000Z', availableAt: '2026-06-01T12:06:00.000Z', value: 1700 },
  ]);
  assert.match(delta.cursor, /^2026-06-01T12:10:00\.000Z~/);
  assert.deepEqual(counts, { lists: 0, ranges: 0 });
});

test('only the health facts changed: a 200 with no forecast and no value, and a new cursor', async () => {
  const { s, clock } = await stackAtNoon();
  const first = (await call(s, 'site=park-1')).jsonBody as DashboardData<HealthReport>;
  await s.status.record('ingest-site-meter', {
    at: '2026-06-01T12:05:00Z',
    ok: false,
    summary: 'provider answered 500',
  });
  clock.set('2026-06-01T12:06:00Z');
  const next = await call(s, `site=park-1&since=${encodeURIComponent(first.cursor)}`);
  assert.equal(next.status, 200);
  const body = next.jsonBody as DashboardData<HealthReport>;
  assert.deepEqual([body.mode, body.forecasts, body.actuals], ['delta', [], []]);
  assert.notEqual(body.cursor, first.cursor);
  assert.ok(body.health?.reasons.includes('last ingest of site-meter failed: provider answered 500'));
});

test('a caller more than a slot behind gets the whole window again, as on a first load', async () => {
  const { s, clock } = await stackAtNoon();
  clock.set('2026-06-01T12:30:30Z');
  await predict(s);
  const old = '2026-06-01T12:00:00.000Z~00000000';
  const body = (await call(s, `site=park-1&since=${encodeURIComponent(old)}`)).jsonBody as DashboardData<HealthReport>;
  assert.equal(body.mode, 'window');
  assert.ok(body.forecasts.length >= 2, `${body.forecasts.length} forecasts`);
});

test('before predict wrote a summary the window comes from the stores, without health facts', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = testServices(clock);
  await observe(s, '2026-06-01T11:30:00.000Z', '2026-06-01T11:58:00.000Z', 1600);
  const res = await call(s, 'site=park-1');
  assert.equal(res.status, 200);
  const body = res.jsonBody as DashboardData<HealthReport>;
  assert.deepEqual(
    [body.mode, body.asOf, body.health, body.latest, body.forecasts.length, body.actuals.length],
    ['window', null, null, null, 0, 1],
  );
});

test('while Cosmos DB is down a first load still answers: the newest forecast from the summary, and what is missing', async () => {
  const { s } = await stackAtNoon();
  const { ForecastStoreUnavailableError } = await import('../../shared/forecast/ForecastStore');
  s.forecasts.failWith = new ForecastStoreUnavailableError('connect ECONNREFUSED');
  const res = await call(s, 'site=park-1');
  assert.equal(res.status, 200);
  const body = res.jsonBody as DashboardData<HealthReport>;
  assert.deepEqual(
    body.forecasts.map((f) => f.issueTime),
    ['2026-06-01T12:00:00.000Z'],
  );
  assert.deepEqual(body.problems, ['the forecast store is unavailable: the window shows only the newest forecast']);
  assert.equal(body.actuals.length, 2);
});

test('bad parameters: a 400 naming the parameter and the bad value', async () => {
  const { s } = await stackAtNoon();
  const cases: [string, string, RegExp][] = [
    ['site=park-1&since=yesterday', 'since', /"since" is "yesterday"; expected the cursor of an earlier answer/],
    ['site=park-1&since=2026-06-01T12:00:00Z~1a2b3c4d', 'since', /"since" is "2026-06-01T12:00:00Z~1a2b3c4d"/],
    ['site=park-1&since=2026-02-31T12:00:00.000Z~1a2b3c4d', 'since', /"since" is "2026-02-31T12:00:00.000Z~1a2b3c4d"/],
    ['site=park-1&since=2026-06-01T12:00:00.000Z~XYZ', 'since', /expected the cursor of an earlier answer/],
    ['site=park-9', 'site', /"site" is "park-9", not a configured site/],
    ['site=park-1&hours=5', 'hours', /"hours" is "5"; expected one of 3, 6, 12, 24, 72/],
    ['site=park-1&cursor=x', 'cursor', /"cursor" is not supported/],
    ['site=park-1&since=a&since=b', 'since', /given 2 times/],
  ];
  for (const [query, parameter, message] of cases) {
    const res = await call(s, query);
    assert.equal(res.status, 400, query);
    const body = res.jsonBody as { error: string; parameter: string };
    assert.equal(body.parameter, parameter, query);
    assert.match(body.error, message, query);
  }
});
