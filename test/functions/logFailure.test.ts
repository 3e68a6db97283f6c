import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import { logFailure } from '../../functions/logFailure';
import { makePredictHandler } from '../../functions/predict';
import { CosmosForecastStore } from '../../shared/forecast/CosmosForecastStore';
import { ForecastStoreRefusedError } from '../../shared/forecast/ForecastStore';
import { ProviderTimeoutError } from '../../shared/sources/ProviderError';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { cosmosError, failingCosmosContainer } from '../support/failingCosmosContainer';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/** An InvocationContext that keeps what is logged with context.error. */
function capture(functionName = 'predict') {
  const errors: string[] = [];
  const context = new InvocationContext({
    functionName,
    logHandler: (level, ...args) => (level === 'error' ? void errors.push(args.map(String).join(' ')) : undefined),
  });
  return { context, errors };
}

/** What the Cosmos DB adapter throws when its container rejects with `thrown`. */
async function cosmosFailure(thrown: unknown): Promise<unknown> {
  return new CosmosForecastStore(failingCosmosContainer(thrown)).latest('park-1').then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

test('a Cosmos DB 403 is logged as not retryable, FORECAST_STORE_REFUSED', async () => {
  const { context, errors } = capture();
  const err = await cosmosFailure(cosmosError(403, 'Forbidden'));
  assert.equal(logFailure(context, 'predict', err), err, 'the error itself is returned to rethrow');
  assert.deepEqual(errors, [
    'predict failed (not retryable, FORECAST_STORE_REFUSED): Cosmos DB refused to read the latest forecast (HTTP 403): Forbidden',
  ]);
});

test('a Cosmos DB 403 on the predict run: the run fails and the log says not retryable', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = {
    ...testServices(clock),
    forecasts: new CosmosForecastStore(failingCosmosContainer(cosmosError(403, 'Forbidden'))),
  };
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'site-meter',
    site: 'park-1',
    observedAt: '2026-06-01T11:30:00.000Z',
    availableAt: '2026-06-01T11:59:00.000Z',
    values: { power_kw: 1700, ghi_wm2: 650 },
  });
  const { context, errors } = capture();
  await assert.rejects(makePredictHandler(() => s)(timer, context), ForecastStoreRefusedError);
  assert.deepEqual(errors, [
    'predict failed (not retryable, FORECAST_STORE_REFUSED): Cosmos DB refused to write the forecast of park-1 at 2026-06-01T12:00:00.000Z (HTTP 403): Forbidden',
  ]);
});

test('a Cosmos DB 429 is logged as retryable, FORECAST_STORE_UNAVAILABLE, with the wait the SDK read', async () => {
  const { context, errors } = capture();
  logFailure(
    context,
    'predict',
    await cosmosFailure(cosmosError(429, 'Request rate is large', { retryAfterInMs: 1000 })),
  );
  assert.deepEqual(errors, [
    'predict failed (retryable, FORECAST_STORE_UNAVAILABLE, retry after 1000 ms): Cosmos DB could not read the latest forecast (HTTP 429): Request rate is large',
  ]);
});

test('a provider timeout is logged as retryable, PROVIDER_TIMEOUT', () => {
  const { context, errors } = capture('ingest-weather');
  logFailure(
    context,
    'ingest-weather',
    new ProviderTimeoutError('weather', 'GET /observations: no answer within 10000 ms').gaveUp(3, '2 retries used up'),
  );
  assert.deepEqual(errors, [
    'ingest-weather failed (retryable, PROVIDER_TIMEOUT): provider "weather": GET /observations: no answer within 10000 ms (gave up after 3 attempts: 2 retries used up)',
  ]);
});

test('a plain Error (a bug, an unclassified failure) is logged as not retryable, UNCLASSIFIED', () => {
  const { context, errors } = capture();
  const bug = new TypeError("Cannot read properties of undefined (reading 'site')");
  assert.equal(logFailure(context, 'predict', new Error('something odd')).message, 'something odd');
  assert.equal(logFailure(context, 'predict', bug), bug);
  assert.deepEqual(errors, [
    'predict failed (not retryable, UNCLASSIFIED): something odd',
    "predict failed (not retryable, UNCLASSIFIED): Cannot read properties of undefined (reading 'site')",
  ]);
});

test('a non-Error throw is logged as not retryable, UNCLASSIFIED, and an Error carrying its text is returned to rethrow', () => {
  const { context, errors } = capture('preprocess-image');
  const returned = logFailure(context, 'preprocess-image skycam/park-1/x.png', 'it broke');
  assert.ok(returned instanceof Error);
  assert.equal(returned.message, 'it broke');
  logFailure(context, 'preprocess-image skycam/park-1/x.png', undefined);
  assert.deepEqual(errors, [
    'preprocess-image skycam/park-1/x.png failed (not retryable, UNCLASSIFIED): it broke',
    'preprocess-image skycam/park-1/x.png failed (not retryable, UNCLASSIFIED): undefined',
  ]);
});
