import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { makeForecastHandler } from '../../functions/forecast';
import type { Forecast } from '../../shared/forecast/Forecast';
import { ForecastStoreUnavailableError } from '../../shared/forecast/ForecastStore';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const services = testServices(new FixedClock(new Date('2026-06-01T12:00:00Z')));
const handler = makeForecastHandler(() => services);
const call = (query: Record<string, string>) =>
  handler(
    new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/forecast', query }),
    new InvocationContext({ functionName: 'forecast' }),
  );

const sample: Forecast = {
  id: 'park-1|2026-06-01T12:00:00.000Z',
  site: 'park-1',
  issueTime: '2026-06-01T12:00:00.000Z',
  createdAt: '2026-06-01T12:00:01.000Z',
  target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
  model: { id: 'persistence-site-meter-power_kw', kind: 'persistence', version: null, sources: ['site-meter'] },
  leads: [{ leadMinutes: 20, validTime: '2026-06-01T12:20:00.000Z', value: 1000 }],
  inputs: [],
  missing: [],
};

test('GET /api/forecast without site is a 400 naming the parameter and the valid sites', async () => {
  const res = await call({});
  assert.equal(res.status, 400);
  const body = res.jsonBody as { error: string };
  assert.match(body.error, /"site" is required/);
  assert.match(body.error, /"park-1"/);
});

test('an unknown or hostile site id is a 400 that names it, without echoing markup raw', async () => {
  const res = await call({ site: '<script>alert(1)</script>' });
  assert.equal(res.status, 400);
  const body = res.jsonBody as { error: string };
  assert.match(body.error, /not a configured site/);
  assert.ok(body.error.includes('"<script>alert(1)</script>"'));
  assert.equal(res.headers, undefined);
});

test('a site without forecasts yet is a 404', async () => {
  const res = await call({ site: 'park-1' });
  assert.equal(res.status, 404);
});

test('the latest forecast of the site is returned as JSON', async () => {
  await services.forecasts.upsert(sample);
  await services.forecasts.upsert({
    ...sample,
    id: 'park-1|2026-06-01T11:50:00.000Z',
    issueTime: '2026-06-01T11:50:00.000Z',
  });
  const res = await call({ site: 'park-1' });
  assert.equal(res.status, 200);
  assert.deepEqual(res.jsonBody, sample);
});

test('when the forecast store is down the answer is a 503 with Retry-After and no internals', async () => {
  services.forecasts.failWith = new ForecastStoreUnavailableError(
    'connect ECONNREFUSED 127.0.0.1:8081 at Socket.internal (node:net:1)',
  );
  try {
    const res = await call({ site: 'park-1' });
    assert.equal(res.status, 503);
    assert.equal((res.headers as Record<string, string>)['retry-after'], '30');
    assert.doesNotMatch(JSON.stringify(res.jsonBody), /ECONNREFUSED|node:net/);
  } finally {
    services.forecasts.failWith = undefined;
  }
});

test('when Cosmos DB is down a site whose copy an earlier deployment wrote per site is served from that copy', async () => {
  const old = { ...sample, id: 'park-1|2026-06-01T11:40:00.000Z', issueTime: '2026-06-01T11:40:00.000Z' };
  await services.blobs.put(CONTAINERS.forecasts, 'park-1/latest.json', JSON.stringify(old));
  services.forecasts.failWith = new ForecastStoreUnavailableError('connect ECONNREFUSED');
  try {
    const res = await call({ site: 'park-1' });
    assert.equal(res.status, 200);
    assert.equal((res.headers as Record<string, string>)['x-forecast-source'], 'blob-copy');
    assert.deepEqual(res.jsonBody, old);
  } finally {
    services.forecasts.failWith = undefined;
    await services.blobs.delete(CONTAINERS.forecasts, 'park-1/latest.json');
  }
});

test('when Cosmos DB is down the latest forecast comes from its blob copy, with a header saying so', async () => {
  const { ForecastBlobCopy } = await import('../../shared/forecast/ForecastBlobCopy');
  await new ForecastBlobCopy(services.blobs, services.config.sites.length).putLatest([sample]);
  services.forecasts.failWith = new ForecastStoreUnavailableError('connect ECONNREFUSED');
  try {
    const res = await call({ site: 'park-1' });
    assert.equal(res.status, 200);
    assert.equal((res.headers as Record<string, string>)['x-forecast-source'], 'blob-copy');
    assert.deepEqual(res.jsonBody, sample);
  } finally {
    services.forecasts.failWith = undefined;
  }
});
