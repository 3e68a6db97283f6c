import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { makeHealthDetailsHandler, makeLivenessHandler, type Liveness } from '../../functions/health';
import { SourceNotConfiguredError } from '../../shared/config/SourceNotConfiguredError';
import { ForecastStoreUnavailableError } from '../../shared/forecast/ForecastStore';
import type { HealthReport } from '../../shared/health/checkHealth';
import { COMPACT_STATUS } from '../../shared/sources/compactClosedDays';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const request = () => new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/health/details' });

async function seed(s: ReturnType<typeof testServices>, source: string, ageMinutes: number): Promise<void> {
  const t = new Date(s.clock.now().getTime() - ageMinutes * 60_000);
  t.setUTCSeconds(0, 0);
  const fields = s.config.sources.find((c) => c.id === source)?.fields ?? [];
  await s.observations.putIfAbsent(source === 'skycam' ? CONTAINERS.features : CONTAINERS.raw, {
    source,
    site: 'park-1',
    observedAt: t.toISOString(),
    availableAt: new Date(t.getTime() + 20 * 60_000).toISOString(),
    values: Object.fromEntries(fields.map((f) => [f, 1])),
  });
}

test('health is 200 and degraded while forecasting without a source, naming what is missing', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  await seed(s, 'site-meter', 40);
  await seed(s, 'weather', 40);
  await s.status.record('ingest-weather', {
    at: '2026-06-01T12:00:00Z',
    ok: false,
    summary: 'provider "weather": GET /observations answered HTTP 503',
  });
  const res = await makeHealthDetailsHandler(() => s)(request(), new InvocationContext());
  assert.equal(res.status, 200);
  const h = res.jsonBody as HealthReport;
  assert.equal(h.status, 'degraded');
  assert.equal(h.canForecast, true);
  assert.equal(h.services.blobStorage.ok, true);
  assert.equal(h.services.cosmosDb.ok, true);
  const meter = h.sources.find((x) => x.id === 'site-meter')?.sites[0];
  assert.equal(meter?.fresh, true);
  assert.equal(meter?.ageMinutes, 35, 'age at the current issue slot (12:00)');
  assert.equal(h.sources.find((x) => x.id === 'skycam')?.sites[0]?.fresh, false);
  assert.equal(h.sources.find((x) => x.id === 'weather')?.lastIngest?.ok, false);
  assert.ok(h.reasons.some((r) => /last ingest of weather failed/.test(r)));
  assert.deepEqual(h.model.serving, [
    { site: 'park-1', model: 'smart-persistence-site-meter-power_kw', version: null, sources: ['site-meter'] },
  ]);
});

test("details show the compact timer's last run: nothing before the first, a failed or overdue run named in the reasons, never the status", async () => {
  const s = testServices(new FixedClock(new Date('2026-06-03T12:05:00Z')));
  await seed(s, 'site-meter', 40);
  const details = async (): Promise<HealthReport> =>
    (await makeHealthDetailsHandler(() => s, { maxAgeMs: 0 })(request(), new InvocationContext()))
      .jsonBody as HealthReport;
  const compactReasons = (h: HealthReport): string[] => h.reasons.filter((r) => /compact/.test(r));

  const before = await details();
  assert.equal(before.compaction, null);
  assert.deepEqual(compactReasons(before), []);

  const ran = { at: '2026-06-03T03:30:00.000Z', ok: true, summary: '5 day(s) written, 10 up to date' };
  await s.status.record(COMPACT_STATUS, ran);
  const ok = await details();
  assert.deepEqual(ok.compaction, ran);
  assert.deepEqual(compactReasons(ok), []);

  await s.status.record(COMPACT_STATUS, {
    at: '2026-06-03T03:30:00.000Z',
    ok: false,
    summary: 'Blob Storage did not answer (ECONNREFUSED)',
  });
  const failed = await details();
  assert.deepEqual(compactReasons(failed), ['last compact run failed: Blob Storage did not answer (ECONNREFUSED)']);
  assert.equal(failed.status, ok.status, 'a report, not a reason to stop forecasting');
  assert.equal(failed.canForecast, ok.canForecast);

  // With the default lookback (3 days; a record without it, as before): one missed night is not reported, a record
  // older than two days is.
  await s.status.record(COMPACT_STATUS, { ...ran, at: '2026-06-02T03:30:00.000Z' });
  assert.deepEqual(compactReasons(await details()), []);
  await s.status.record(COMPACT_STATUS, { ...ran, at: '2026-06-01T03:30:00.000Z' });
  const overdue = compactReasons(await details());
  assert.equal(overdue.length, 1);
  assert.match(overdue[0] ?? '', /^compaction last ran at 2026-06-01T03:30:00\.000Z and looks back 3 day\(s\): /);
  assert.match(overdue[0] ?? '', /COMPACT_LOOKBACK_DAYS/);
  // The run's own lookback sets the limit: a weekly schedule that looks back 8 days is not overdue after 2.4 days ...
  const weekly = { ...ran, details: { written: 1, lookbackDays: 8 } };
  await s.status.record(COMPACT_STATUS, { ...weekly, at: '2026-06-01T03:30:00.000Z' });
  assert.deepEqual(compactReasons(await details()), []);
  // ... nor after 7 days and 2 hours, but is a little later (its oldest uncompacted day leaves the window next run).
  await s.status.record(COMPACT_STATUS, { ...weekly, at: '2026-05-27T10:05:00.000Z' });
  assert.deepEqual(compactReasons(await details()), []);
  await s.status.record(COMPACT_STATUS, { ...weekly, at: '2026-05-27T10:04:00.000Z' });
  assert.match(compactReasons(await details())[0] ?? '', /looks back 8 day\(s\)/);
  // A lookback of one day: the next night must not be missed.
  await s.status.record(COMPACT_STATUS, { ...ran, at: '2026-06-02T10:05:00.000Z', details: { lookbackDays: 1 } });
  assert.deepEqual(compactReasons(await details()), []);
  await s.status.record(COMPACT_STATUS, { ...ran, at: '2026-06-02T10:04:00.000Z', details: { lookbackDays: 1 } });
  assert.equal(compactReasons(await details()).length, 1);
});

test('health is 503 with the reason when no model can run', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  const res = await makeHealthDetailsHandler(() => s)(request(), new InvocationContext());
  assert.equal(res.status, 503);
  const h = res.jsonBody as HealthReport;
  assert.equal(h.status, 'down');
  assert.ok(h.reasons.some((r) => /no model can run/.test(r)));
});

test('health is 503 when Cosmos DB does not answer, without internals in the answer', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  await seed(s, 'site-meter', 40);
  s.forecasts.failWith = new ForecastStoreUnavailableError(
    'Cosmos DB could not read the latest forecast: connect ECONNREFUSED',
  );
  const res = await makeHealthDetailsHandler(() => s)(request(), new InvocationContext());
  assert.equal(res.status, 503);
  const h = res.jsonBody as HealthReport;
  assert.equal(h.services.cosmosDb.ok, false);
  assert.doesNotMatch(JSON.stringify(h), /at .*\.js:\d+/);
});

test('/api/health is liveness only: up, since the process started, checked now; nothing else, no store touched', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:05:00Z'));
  const res = await makeLivenessHandler({ clock, startedAt: new Date('2026-06-01T11:00:00Z') })(
    new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/health' }),
    new InvocationContext(),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(res.jsonBody as Liveness, {
    status: 'up',
    since: '2026-06-01T11:00:00.000Z',
    checkedAt: '2026-06-01T12:05:00.000Z',
  });
  assert.equal((res.headers as Record<string, string>)['cache-control'], 'no-store');
});

test('details are checked once per 30 s of the clock: a second call within it is served the kept report, a later one checks again', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  await seed(s, 'site-meter', 40);
  let reads = 0;
  const read = s.status.read.bind(s.status);
  s.status.read = (name) => {
    reads++;
    return read(name);
  };
  const handler = makeHealthDetailsHandler(() => s);
  const first = (await handler(request(), new InvocationContext())).jsonBody as HealthReport;
  const perCheck = reads;
  assert.ok(perCheck > 0);
  const clock = s.clock as FixedClock;
  clock.set('2026-06-01T12:05:29Z');
  const [a, b] = await Promise.all([
    handler(request(), new InvocationContext()),
    handler(request(), new InvocationContext()),
  ]);
  assert.equal(reads, perCheck, 'no store read within 30 s');
  assert.equal((a.jsonBody as HealthReport).checkedAt, first.checkedAt);
  assert.equal((b.jsonBody as HealthReport).checkedAt, first.checkedAt);
  clock.set('2026-06-01T12:05:30Z');
  const [c, d] = await Promise.all([
    handler(request(), new InvocationContext()),
    handler(request(), new InvocationContext()),
  ]);
  assert.equal(reads, 2 * perCheck, 'one new check for two concurrent callers after 30 s');
  assert.equal((c.jsonBody as HealthReport).checkedAt, '2026-06-01T12:05:30.000Z');
  assert.equal((d.jsonBody as HealthReport).checkedAt, '2026-06-01T12:05:30.000Z');
  const uncached = makeHealthDetailsHandler(() => s, { maxAgeMs: 0 });
  await uncached(request(), new InvocationContext());
  await uncached(request(), new InvocationContext());
  assert.equal(reads, 4 * perCheck, 'maxAgeMs 0 checks every time');
});

test('a failed check is not kept: the next call checks again', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  let fail = true;
  const check = makeHealthDetailsHandler(() => {
    if (fail) throw new Error('services could not be built');
    return s;
  });
  assert.equal((await check(request(), new InvocationContext())).status, 503);
  fail = false;
  assert.notEqual(((await check(request(), new InvocationContext())).jsonBody as HealthReport).sources, undefined);
});

test('details name a source whose provider settings are not set, in its entry and in the reasons', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  s.brokenSources = [
    new SourceNotConfiguredError('weather', [{ setting: 'WEATHER_KEY', path: 'sources[2].provider.auth.value' }]),
  ];
  const h = (await makeHealthDetailsHandler(() => s)(request(), new InvocationContext())).jsonBody as HealthReport;
  assert.match(
    h.sources.find((x) => x.id === 'weather')?.notConfigured ?? '',
    /source "weather" is not configured: sources\[2\]\.provider\.auth\.value refers to the app setting "WEATHER_KEY", which is not set/,
  );
  assert.equal(h.sources.find((x) => x.id === 'site-meter')?.notConfigured, undefined);
  assert.ok(h.reasons.some((r) => r.includes('"WEATHER_KEY"')));
});
