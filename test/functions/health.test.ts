import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { makeHealthHandler } from '../../functions/health';
import { ForecastStoreUnavailableError } from '../../shared/forecast/ForecastStore';
import type { HealthReport } from '../../shared/health/checkHealth';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const request = () => new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/health' });

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
  await s.status.record('ingest-weather', { at: '2026-06-01T12:00:00Z', ok: false, summary: 'provider "weather": GET /observations answered HTTP 503' });
  const res = await makeHealthHandler(() => s)(request(), new InvocationContext());
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
  assert.deepEqual(h.model.serving, [{ site: 'park-1', model: 'persistence-site-meter-power_kw', version: null, sources: ['site-meter'] }]);
});

test('health is 503 with the reason when no model can run', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  const res = await makeHealthHandler(() => s)(request(), new InvocationContext());
  assert.equal(res.status, 503);
  const h = res.jsonBody as HealthReport;
  assert.equal(h.status, 'down');
  assert.ok(h.reasons.some((r) => /no model can run/.test(r)));
});

test('health is 503 when Cosmos DB does not answer, without internals in the answer', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T12:05:00Z')));
  await seed(s, 'site-meter', 40);
  s.forecasts.failWith = new ForecastStoreUnavailableError('Cosmos DB could not read the latest forecast: connect ECONNREFUSED');
  const res = await makeHealthHandler(() => s)(request(), new InvocationContext());
  assert.equal(res.status, 503);
  const h = res.jsonBody as HealthReport;
  assert.equal(h.services.cosmosDb.ok, false);
  assert.doesNotMatch(JSON.stringify(h), /at .*\.js:\d+/);
});
