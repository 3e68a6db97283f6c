import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { makeActualsHandler } from '../../functions/actuals';
import { ACTUALS_QUERY_LIMITS } from '../../shared/dashboard/parseActualsQuery';
import { type BlobItem, CONTAINERS, StorageUnavailableError } from '../../shared/storage/BlobStore';
import { observationBlobName } from '../../shared/sources/ObservationStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const NOW = new Date('2026-06-01T12:00:00Z');
const services = testServices(new FixedClock(NOW));
const handler = makeActualsHandler(() => services);
const logs: string[] = [];
const context = () =>
  new InvocationContext({
    functionName: 'actuals',
    logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')),
  });
const call = (query: string) =>
  handler(
    new HttpRequest({ method: 'GET', url: `http://localhost:7071/api/actuals${query ? `?${query}` : ''}` }),
    context(),
  );

type Body = {
  site: string;
  target: { source: string; field: string; unit: string; solar?: boolean };
  from: string;
  to: string;
  actuals: { observedAt: string; availableAt: string; value: number }[];
};

/** Stores a site-meter observation as ingestion does; `delayMinutes` after observedAt it became available. */
async function observe(observedAt: string, power: number, delayMinutes = 25, site = 'park-1'): Promise<void> {
  const availableAt = new Date(Date.parse(observedAt) + delayMinutes * 60_000).toISOString();
  await services.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'site-meter',
    site,
    observedAt,
    availableAt,
    values: { power_kw: power, ghi_wm2: 500 },
  });
}

function assertBadRequest(res: HttpResponseInit, parameter: string, message: RegExp): void {
  assert.equal(res.status, 400);
  const body = res.jsonBody as { error: string; parameter?: string };
  assert.equal(body.parameter, parameter);
  assert.match(body.error, message);
}

test('the target observed in the range, oldest first, as {observedAt, availableAt, value}, with the target named', async () => {
  await observe('2026-05-31T23:50:00.000Z', 10);
  await observe('2026-06-01T00:00:00.000Z', 20);
  await observe('2026-06-01T06:00:00.000Z', 30);
  await observe('2026-06-01T11:30:00.000Z', 40);
  await observe('2026-06-01T00:10:00.000Z', 99, 25, 'park-2');
  const res = await call('site=park-1&from=2026-06-01T00:00:00Z&to=2026-06-01T11:50:00Z');
  assert.equal(res.status, 200);
  assert.equal((res.headers as Record<string, string>)['cache-control'], 'no-store');
  const body = res.jsonBody as Body;
  assert.deepEqual(body.target, { source: 'site-meter', field: 'power_kw', unit: 'kW', min: 0, solar: true });
  assert.deepEqual([body.site, body.from, body.to], ['park-1', '2026-06-01T00:00:00.000Z', '2026-06-01T11:50:00.000Z']);
  assert.deepEqual(body.actuals, [
    { observedAt: '2026-06-01T00:00:00.000Z', availableAt: '2026-06-01T00:25:00.000Z', value: 20 },
    { observedAt: '2026-06-01T06:00:00.000Z', availableAt: '2026-06-01T06:25:00.000Z', value: 30 },
    { observedAt: '2026-06-01T11:30:00.000Z', availableAt: '2026-06-01T11:55:00.000Z', value: 40 },
  ]);
});

test('only what was available by now counts; without from/to the window is the last 24 hours', async () => {
  await observe('2026-06-01T11:50:00.000Z', 50, 20); // available 12:10, after now
  const res = await call('site=park-1');
  assert.equal(res.status, 200);
  const body = res.jsonBody as Body;
  assert.equal(body.from, new Date(NOW.getTime() - ACTUALS_QUERY_LIMITS.defaultHours * 3_600_000).toISOString());
  assert.equal(body.to, NOW.toISOString());
  assert.deepEqual(
    body.actuals.map((a) => a.value),
    [10, 20, 30, 40],
  );
});

test('a blob whose listing lacks the values is read; one without the target field or with a bad value is left out', async () => {
  const put = (observedAt: string, values: Record<string, unknown>) =>
    services.blobs.put(
      CONTAINERS.raw,
      observationBlobName('site-meter', 'park-1', observedAt),
      JSON.stringify({ source: 'site-meter', site: 'park-1', observedAt, availableAt: observedAt, values }),
      {
        metadata: { observedat: observedAt, availableat: observedAt },
      },
    );
  await put('2026-05-20T10:00:00.000Z', { power_kw: 7 });
  await put('2026-05-20T10:10:00.000Z', { ghi_wm2: 1 });
  await put('2026-05-20T10:20:00.000Z', { power_kw: 'NaN' });
  const res = await call('site=park-1&from=2026-05-20T00:00:00Z&to=2026-05-21T00:00:00Z');
  assert.deepEqual((res.jsonBody as Body).actuals, [
    { observedAt: '2026-05-20T10:00:00.000Z', availableAt: '2026-05-20T10:00:00.000Z', value: 7 },
  ]);
});

test('parameter errors are 400s naming the parameter', async () => {
  assertBadRequest(await call(''), 'site', /query parameter "site" is required; expected one of "park-1"/);
  assertBadRequest(await call('site=nowhere'), 'site', /"nowhere", not a configured site/);
  assertBadRequest(await call('site=park-1&from=2026-06-01T00:00:00Z'), 'to', /"to" is required with "from"/);
  assertBadRequest(
    await call('site=park-1&from=2026-05-01T00:00:00Z&to=2026-05-09T00:00:00Z'),
    'to',
    /a range spans at most 7 days/,
  );
  assertBadRequest(await call('site=park-1&from=2026-06-01T11:00:00Z&to=2026-06-01T13:00:00Z'), 'to', /in the future/);
  assertBadRequest(
    await call('site=park-1&limit=5'),
    'limit',
    /query parameter "limit" is not supported; expected "site", and optionally "from" and "to"/,
  );
  assertBadRequest(await call('site=park-1&site=park-1'), 'site', /given 2 times/);
});

test('Blob Storage down is a 503 with Retry-After; any other failure a 500; neither shows internals', async () => {
  const original = services.blobs.list.bind(services.blobs);
  const failWith = (err: Error) => {
    services.blobs.list = async function* (): AsyncIterable<BlobItem> {
      yield* [];
      throw err;
    };
  };
  try {
    failWith(new StorageUnavailableError('connect ECONNREFUSED 127.0.0.1:10000'));
    const down = await call('site=park-1');
    assert.equal(down.status, 503);
    assert.equal((down.headers as Record<string, string>)['retry-after'], '30');
    assert.doesNotMatch(JSON.stringify(down.jsonBody), /ECONNREFUSED/);
    failWith(new TypeError("Cannot read properties of undefined (reading 'metadata')"));
    const broken = await call('site=park-1');
    assert.equal(broken.status, 500);
    assert.deepEqual(broken.jsonBody, { error: 'internal error while reading the observations' });
    assert.ok(
      logs.some((l) => /actuals: reading the observations of park-1 failed: connect ECONNREFUSED/.test(l)),
      'the log has the cause',
    );
  } finally {
    services.blobs.list = original;
  }
});
