import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CosmosForecastStore } from '../../../shared/forecast/CosmosForecastStore';
import type { Forecast } from '../../../shared/forecast/Forecast';
import { ForecastStoreRefusedError, ForecastStoreUnavailableError } from '../../../shared/forecast/ForecastStore';
import { retryDecisionOf } from '../../../shared/util/retryDecisionOf';
import { cosmosError, failingCosmosContainer } from '../../support/failingCosmosContainer';

const FORECAST = {
  id: 'park-1|2026-06-01T12:00:00.000Z',
  site: 'park-1',
  issueTime: '2026-06-01T12:00:00.000Z',
} as Forecast;
const from = new Date('2026-06-01T00:00:00Z');
const to = new Date('2026-06-02T00:00:00Z');

test('a refusal (400, 401, 403, 404, 409, 412, 413) is a ForecastStoreRefusedError: not retryable, naming the operation and the status', async () => {
  for (const status of [400, 401, 403, 404, 409, 412, 413]) {
    const store = new CosmosForecastStore(failingCosmosContainer(cosmosError(status, 'Request blocked')));
    await assert.rejects(store.upsert(FORECAST), (err: unknown) => {
      assert.ok(err instanceof ForecastStoreRefusedError, `HTTP ${status}: ${String(err)}`);
      assert.equal(err.code, 'FORECAST_STORE_REFUSED');
      assert.equal(err.status, status);
      assert.equal(err.operation, 'write a forecast');
      assert.equal(err.message, `Cosmos DB refused to write a forecast (HTTP ${status}): Request blocked`);
      assert.equal(err.canRetry(), false);
      return true;
    });
  }
  await assert.rejects(
    new CosmosForecastStore(failingCosmosContainer(cosmosError(403, 'Forbidden'))).latest('park-1'),
    /^ForecastStoreRefusedError: Cosmos DB refused to read the latest forecast \(HTTP 403\): Forbidden$/,
  );
  await assert.rejects(
    new CosmosForecastStore(failingCosmosContainer(cosmosError(404, 'Owner resource does not exist'))).range(
      'park-1',
      from,
      to,
    ),
    /Cosmos DB refused to read forecasts \(HTTP 404\)/,
  );
});

test('throttling, timeouts and server errors (408, 429, 449, 500, 503) are a retryable ForecastStoreUnavailableError', async () => {
  for (const status of [408, 429, 449, 500, 503]) {
    const store = new CosmosForecastStore(failingCosmosContainer(cosmosError(status, 'try later')));
    await assert.rejects(store.range('park-1', from, to), (err: unknown) => {
      assert.ok(err instanceof ForecastStoreUnavailableError, `HTTP ${status}: ${String(err)}`);
      assert.equal(err.message, `Cosmos DB could not read forecasts (HTTP ${status}): try later`);
      assert.equal(err.canRetry(), true);
      return true;
    });
  }
});

test("a 429 carries the SDK's retryAfterInMs as retryAfter()", async () => {
  const store = new CosmosForecastStore(
    failingCosmosContainer(cosmosError(429, 'Request rate is large', { retryAfterInMs: 1000 })),
  );
  const err = await store.upsert(FORECAST).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ForecastStoreUnavailableError);
  assert.equal(err.retryAfter(), 1000);
  assert.deepEqual(retryDecisionOf(err), { retryable: true, code: 'FORECAST_STORE_UNAVAILABLE', retryAfterMs: 1000 });
  const without = await new CosmosForecastStore(failingCosmosContainer(cosmosError(503, 'down')))
    .upsert(FORECAST)
    .catch((e: unknown) => e);
  assert.ok(without instanceof ForecastStoreUnavailableError);
  assert.equal(without.retryAfter(), undefined);
});

test('failures without an HTTP status (network, SDK timeout, a non-Error throw) are retryable ForecastStoreUnavailableErrors', async () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'network',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' }),
      /Cosmos DB could not read the latest forecast: connect ECONNREFUSED/,
    ],
    [
      'timeout',
      Object.assign(new Error('Timeout Error'), { code: 'TimeoutError' }),
      /Cosmos DB could not read the latest forecast: Timeout Error/,
    ],
    ['a string', 'socket hang up', /Cosmos DB could not read the latest forecast: socket hang up/],
    ['undefined', undefined, /Cosmos DB could not read the latest forecast: undefined/],
  ];
  for (const [name, thrown, message] of cases) {
    const store = new CosmosForecastStore(failingCosmosContainer(thrown));
    await assert.rejects(store.latest('park-1'), (err: unknown) => {
      assert.ok(err instanceof ForecastStoreUnavailableError, `${name}: ${String(err)}`);
      assert.match(err.message, message);
      assert.equal(err.cause, thrown);
      return true;
    });
  }
});
