import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { CosmosForecastStore } from '../../../shared/forecast/CosmosForecastStore';
import type { Forecast } from '../../../shared/forecast/Forecast';
import { ForecastStoreRefusedError, ForecastStoreUnavailableError } from '../../../shared/forecast/ForecastStore';
import { cosmosError, failingCosmosContainer } from '../../support/failingCosmosContainer';
import { FaultyCosmosServer } from '../../support/faultyCosmosServer';

// upsertMany against the local Cosmos server (@vercel/cosmosdb-server), in this process: the SDK's bulk API
// (executeBulkOperations) works there, and a test hook answers chosen operations with a refusal or a throttle.
let cosmos: FaultyCosmosServer;
let store: CosmosForecastStore;

function forecast(site: string, issueTime = '2026-06-01T12:00:00.000Z'): Forecast {
  return {
    id: `${site}|${issueTime}`,
    site,
    issueTime,
    createdAt: issueTime,
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    model: { id: 'persistence-site-meter-power_kw', kind: 'persistence', version: null, sources: ['site-meter'] },
    leads: [{ leadMinutes: 20, validTime: issueTime, value: 1 }],
    inputs: [],
    missing: [],
  };
}

const sites = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `site-${from + i}`);

before(async () => {
  // One retry of a throttled operation (the SDK's default is nine), so the throttling cases stay short.
  cosmos = await FaultyCosmosServer.start({ connectionPolicy: { retryOptions: { maxRetryAttemptCount: 1 } } });
  store = new CosmosForecastStore(cosmos.container, 0);
});
after(async () => {
  await cosmos?.stop();
});
beforeEach(() => {
  cosmos.faults.clear();
  cosmos.bulkRequests = 0;
});

test('upsertMany writes 250 forecasts of 250 sites in a few bulk requests, and a rerun replaces them', async () => {
  const forecasts = sites(250).map((s) => forecast(s));
  await store.upsertMany(forecasts);
  // One partition key range: batches of at most 100 operations.
  assert.ok(cosmos.bulkRequests >= 3 && cosmos.bulkRequests <= 6, `${cosmos.bulkRequests} bulk requests`);
  assert.deepEqual(await store.latest('site-249'), forecasts[249]);
  await store.upsertMany(forecasts.map((f) => ({ ...f, createdAt: '2026-06-01T12:05:00.000Z' })));
  assert.equal((await store.latest('site-0'))?.createdAt, '2026-06-01T12:05:00.000Z');
  const { resources } = await cosmos.container.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll();
  assert.deepEqual(resources, [250]);
  await store.upsertMany([]);
});

test('an operation refused (403) is a ForecastStoreRefusedError naming the site and the status; the others are written', async () => {
  cosmos.faults.set('site-1002', { status: 403 });
  const forecasts = sites(5, 1000).map((s) => forecast(s));
  await assert.rejects(store.upsertMany(forecasts), (err: unknown) => {
    assert.ok(err instanceof ForecastStoreRefusedError, String(err));
    assert.equal(err.status, 403);
    assert.equal(err.operation, 'write a forecast');
    assert.match(
      err.message,
      /^Cosmos DB refused to write the forecast of site-1002 at 2026-06-01T12:00:00.000Z \(HTTP 403\)/,
    );
    assert.equal(err.canRetry(), false);
    return true;
  });
  for (const site of ['site-1000', 'site-1001', 'site-1003', 'site-1004'])
    assert.equal((await store.latest(site))?.site, site);
  assert.equal(await store.latest('site-1002'), undefined);
});

test('operations throttled (429) past the retries or failing (503) are retryable, naming the unwritten ones', async () => {
  cosmos.faults.set('site-2001', { status: 429 });
  cosmos.faults.set('site-2003', { status: 503 });
  const forecasts = sites(5, 2000).map((s) => forecast(s));
  await assert.rejects(store.upsertMany(forecasts), (err: unknown) => {
    assert.ok(err instanceof ForecastStoreUnavailableError, String(err));
    assert.equal(err.canRetry(), true);
    assert.deepEqual([...(err.notWritten ?? [])].sort(), [forecasts[1]?.id, forecasts[3]?.id]);
    assert.match(err.message, /^Cosmos DB could not write the forecast of site-200[13] .* \(1 more not written\)$/);
    return true;
  });
  assert.equal((await store.latest('site-2000'))?.site, 'site-2000');
  assert.equal(await store.latest('site-2001'), undefined);
});

test('a refusal among retryable failures wins: it is what someone has to fix', async () => {
  cosmos.faults.set('site-3000', { status: 429 });
  cosmos.faults.set('site-3001', { status: 413 });
  await assert.rejects(
    store.upsertMany(sites(3, 3000).map((s) => forecast(s))),
    /^ForecastStoreRefusedError: Cosmos DB refused to write the forecast of site-3001 .*\(HTTP 413\).*\(1 more not written\)$/,
  );
});

test('an operation throttled once is retried by the SDK and written', async () => {
  cosmos.faults.set('site-4001', { status: 429, times: 1 });
  await store.upsertMany(sites(3, 4000).map((s) => forecast(s)));
  assert.equal((await store.latest('site-4001'))?.site, 'site-4001');
});

test('a bulk call that fails whole is mapped like any call: none of its forecasts is known to be written', async () => {
  const down = new CosmosForecastStore(failingCosmosContainer(cosmosError(503, 'down')), 0);
  await assert.rejects(down.upsertMany([forecast('a')]), (err: unknown) => {
    assert.ok(err instanceof ForecastStoreUnavailableError);
    assert.equal(err.message, 'Cosmos DB could not write forecasts (HTTP 503): down');
    assert.equal(err.notWritten, undefined);
    return true;
  });
  const refused = new CosmosForecastStore(failingCosmosContainer(cosmosError(403, 'Forbidden')), 0);
  await assert.rejects(refused.upsertMany([forecast('a')]), /Cosmos DB refused to write forecasts \(HTTP 403\)/);
});

test('with the server stopped, every operation fails without a status: retryable, all unwritten', async () => {
  const other = await FaultyCosmosServer.start();
  const s = new CosmosForecastStore(other.container, 0);
  await s.upsertMany([forecast('warm')]);
  await other.closeServer();
  const forecasts = sites(3, 5000).map((x) => forecast(x));
  try {
    await assert.rejects(s.upsertMany(forecasts), (err: unknown) => {
      assert.ok(err instanceof ForecastStoreUnavailableError, String(err));
      assert.match(err.message, /ECONNREFUSED/);
      assert.deepEqual(
        err.notWritten,
        forecasts.map((f) => f.id),
      );
      return true;
    });
  } finally {
    await other.stop();
  }
});

test('a few forecasts are written one request each, with the same errors: a refusal names the site, a failure is retryable', async () => {
  const few = new CosmosForecastStore(cosmos.container);
  await few.upsertMany(sites(3, 6000).map((s) => forecast(s)));
  for (const site of sites(3, 6000)) assert.equal((await store.latest(site))?.site, site);
  const down = new CosmosForecastStore(failingCosmosContainer(cosmosError(503, 'down')));
  await assert.rejects(down.upsertMany([forecast('a'), forecast('b')]), (err: unknown) => {
    assert.ok(err instanceof ForecastStoreUnavailableError);
    assert.match(
      err.message,
      /^Cosmos DB could not write the forecast of a at .* \(HTTP 503\): down \(1 more not written\)$/,
    );
    assert.deepEqual([...(err.notWritten ?? [])].sort(), [forecast('a').id, forecast('b').id]);
    return true;
  });
  const refused = new CosmosForecastStore(failingCosmosContainer(cosmosError(403, 'Forbidden')));
  await assert.rejects(refused.upsertMany([forecast('a')]), /refused to write the forecast of a at .* \(HTTP 403\)/);
});
