import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import fc from 'fast-check';
import { makeActualsHandler } from '../../functions/actuals';
import { makeDashboardAssetHandler, makeDashboardHandler } from '../../functions/dashboard';
import { FORECAST_QUERY_LIMITS, makeForecastHandler } from '../../functions/forecast';
import { makeHealthDetailsHandler, makeLivenessHandler } from '../../functions/health';
import type { Forecast } from '../../shared/forecast/Forecast';
import { ForecastStoreUnavailableError } from '../../shared/forecast/ForecastStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const NOW = new Date('2026-06-01T12:00:00Z');
const services = testServices(new FixedClock(NOW));
const forecastHandler = makeForecastHandler(() => services);
const healthHandler = makeHealthDetailsHandler(() => services);
const logs: string[] = [];
const context = (functionName: string) =>
  new InvocationContext({ functionName, logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')) });
/** A GET with the query string exactly as given (repeated and odd parameters kept, as a client sends them). */
const get = (path: string, query: string) =>
  new HttpRequest({ method: 'GET', url: `http://localhost:7071/api/${path}${query ? `?${query}` : ''}` });
const forecast = (query: string) => forecastHandler(get('forecast', query), context('forecast'));
const health = (query: string) => healthHandler(get('health/details', query), context('health-details'));
const liveness = (query: string) => makeLivenessHandler()(get('health', query), context('health'));
const actualsHandler = makeActualsHandler(() => services);
const dashboardHandler = makeDashboardHandler(() => services);
const assetHandler = makeDashboardAssetHandler();
const actuals = (query: string) => actualsHandler(get('actuals', query), context('actuals'));
const dashboard = (query: string) => dashboardHandler(get('dashboard', query), context('dashboard'));
const asset = (name: string) =>
  assetHandler(
    new HttpRequest({
      method: 'GET',
      url: `http://localhost:7071/api/dashboard/assets/${encodeURIComponent(name)}`,
      params: { name },
    }),
    context('dashboard-assets'),
  );
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

function sample(issueTime: string): Forecast {
  return {
    id: `park-1|${issueTime}`,
    site: 'park-1',
    issueTime,
    createdAt: issueTime,
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    model: { id: 'persistence-site-meter-power_kw', kind: 'persistence', version: null, sources: ['site-meter'] },
    leads: [{ leadMinutes: 20, validTime: new Date(Date.parse(issueTime) + 20 * 60_000).toISOString(), value: 1000 }],
    inputs: [],
    missing: [],
  };
}

/** A 400 whose message names `parameter` and carries nothing but printable ASCII: no stack, no internals. */
function assertRefused(res: HttpResponseInit, parameter: RegExp, why: string): string {
  assert.equal(res.status, 400, why);
  const body = res.jsonBody as { error: string; parameter?: string };
  assert.deepEqual(
    Object.keys(body).filter((k) => k !== 'error' && k !== 'parameter'),
    [],
    why,
  );
  assert.match(body.error, parameter, why);
  assertNothingLeaks(res, why);
  return body.error;
}

function assertNothingLeaks(res: HttpResponseInit, why: string, maxLength = 1_000): void {
  const text = JSON.stringify(res.jsonBody ?? '');
  assert.ok(text.length < maxLength, `${why}: a short answer (${text.length})`);
  assert.match(text, /^[\x20-\x7e]*$/, `${why}: printable ASCII only`);
  assert.doesNotMatch(
    text,
    /\bat [\w.<>]+ \(|\.js:\d+|node:internal|Error:|ECONN|stack/i,
    `${why}: no stack trace or error internals`,
  );
}

test('hostile site ids: 400 naming "site", never echoed raw, nothing leaks', async () => {
  const hostile = [
    "' OR '1'='1",
    "park-1' --",
    '{"$ne": null}',
    'park-1; DROP TABLE forecasts',
    'SELECT * FROM c',
    '../../etc/passwd',
    '..%2f..%2fsecrets',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'park-1\u0000',
    '\u202Epark-1',
    'park-\ud800',
    'Park-1',
    ' park-1',
    'park-1 ',
    'park-1\r\nX-Injected: yes',
    '🌞'.repeat(30),
    'x'.repeat(100_000 / 50),
    '${process.env.SITE_METER_KEY}',
    '__proto__',
  ];
  for (const site of hostile) {
    const error = assertRefused(
      await forecast(q({ site })),
      /query parameter "site"/,
      JSON.stringify(site.slice(0, 40)),
    );
    assert.ok(
      !error.includes('\u202E') && !error.includes('\u0000') && !error.includes('\r'),
      'no raw control or bidi characters',
    );
  }
});

test('missing, empty, repeated, unknown and oversized parameters are refused, each naming the parameter', async () => {
  const cases: [string, RegExp][] = [
    ['', /query parameter "site" is required; expected one of "park-1"/],
    ['site=', /query parameter "site" is required/],
    ['site=park-1&site=park-1', /query parameter "site" is given 2 times; give it once/],
    ['site=park-1&site=park-2', /"site" is given 2 times/],
    ['sites=park-1', /query parameter "sites" is not supported; expected "site", and optionally "from" and "to"/],
    ['SITE=park-1', /query parameter "SITE" is not supported/],
    ['site=park-1&__proto__=1', /query parameter "__proto__" is not supported/],
    ['site=park-1&constructor=x', /query parameter "constructor" is not supported/],
    ['site[$ne]=x', /query parameter "site\[\$ne\]" is not supported/],
    ['site=park-1&%3Cscript%3E=1', /query parameter "<script>" is not supported/],
    ['site=park-1&x%E2%80%AE=1', /query parameter "x\\u202e" is not supported/],
    [`site=park-1&${'p'.repeat(500)}=1`, /query parameter "p{64}\.\.\." is not supported/],
    [`site=${'a'.repeat(41)}`, /query parameter "site" is 41 characters long, not a configured site/],
    [`site=park-1&from=${'9'.repeat(3000)}`, /the query string is \d+ characters long; at most 2048/],
  ];
  for (const [query, reason] of cases) assertRefused(await forecast(query), reason, query.slice(0, 60));
});

test('the function key in the query ("code") is accepted and never echoed', async () => {
  const res = await forecast('site=park-1&code=secret-function-key-123');
  assert.equal(res.status, 404);
  assert.doesNotMatch(JSON.stringify(res.jsonBody), /secret-function-key/);
});

test('from/to: malformed, reversed, too wide, too old and future ranges are refused, naming the parameter', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ from: '2026-06-01T00:00:00Z' }, /query parameter "to" is required with "from"/],
    [{ to: '2026-06-01T00:00:00Z' }, /query parameter "from" is required with "to"/],
    [
      { from: 'yesterday', to: '2026-06-01T00:00:00Z' },
      /query parameter "from" is "yesterday", expected an ISO 8601 time with a zone/,
    ],
    [
      { from: '2026-05-31T00:00:00Z', to: '2026-06-01' },
      /query parameter "to" is "2026-06-01", expected an ISO 8601 time with a zone/,
    ],
    [
      { from: '2026-05-31T00:00:00', to: '2026-06-01T00:00:00Z' },
      /"from" is "2026-05-31T00:00:00", expected an ISO 8601 time with a zone/,
    ],
    [
      { from: '2026-02-31T00:00:00Z', to: '2026-03-01T00:00:00Z' },
      /"from" is "2026-02-31T00:00:00Z", not a valid time/,
    ],
    [
      { from: '2026-05-31T25:00:00Z', to: '2026-06-01T00:00:00Z' },
      /"from" is "2026-05-31T25:00:00Z", not a valid time/,
    ],
    [{ from: '1e9', to: '2026-06-01T00:00:00Z' }, /"from" is "1e9"/],
    [{ from: '', to: '2026-06-01T00:00:00Z' }, /"from" is ""/],
    [{ from: `2026-05-31T00:00:00Z${' '.repeat(50)}`, to: '2026-06-01T00:00:00Z' }, /"from" is 70 characters long/],
    [{ from: "2026-05-31T00:00:00Z' OR 1=1 --", to: '2026-06-01T00:00:00Z' }, /query parameter "from" is /],
    [
      { from: '2026-06-01T00:00:00Z', to: '2026-06-01T00:00:00Z' },
      /query parameter "to" \(2026-06-01T00:00:00.000Z\) must be after "from"/,
    ],
    [{ from: '2026-06-01T00:00:00Z', to: '2026-05-31T00:00:00Z' }, /"to" .* must be after "from"/],
    [
      { from: '2026-05-20T00:00:00Z', to: '2026-05-28T00:00:01Z' },
      /query parameter "to" is 8\.0 days after "from"; a range spans at most 7 days/,
    ],
    [{ from: '2000-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }, /a range spans at most 7 days/],
    [
      { from: '2026-02-01T00:00:00Z', to: '2026-02-03T00:00:00Z' },
      /query parameter "from" \(2026-02-01T00:00:00.000Z\) is more than 90 days ago; the earliest is 2026-03-03T12:00:00.000Z/,
    ],
    [
      { from: '2026-06-01T11:00:00Z', to: '2026-06-01T13:00:00Z' },
      /query parameter "to" \(2026-06-01T13:00:00.000Z\) is in the future/,
    ],
  ];
  for (const [range, reason] of cases)
    assertRefused(await forecast(q({ site: 'park-1', ...range })), reason, JSON.stringify(range));
  assertRefused(
    await forecast('site=park-1&from=2026-05-31T00:00:00Z&from=2026-05-30T00:00:00Z&to=2026-06-01T00:00:00Z'),
    /"from" is given 2 times/,
    'repeated from',
  );
});

test('from/to: the forecasts issued in the range, oldest first, via ForecastStore.range', async () => {
  for (const t of [
    '2026-05-31T23:50:00.000Z',
    '2026-06-01T00:00:00.000Z',
    '2026-06-01T06:00:00.000Z',
    '2026-06-01T11:50:00.000Z',
  ])
    await services.forecasts.upsert(sample(t));
  const res = await forecast(q({ site: 'park-1', from: '2026-06-01T00:00:00Z', to: '2026-06-01T11:50:00+00:00' }));
  assert.equal(res.status, 200);
  const body = res.jsonBody as { site: string; from: string; to: string; forecasts: Forecast[] };
  assert.deepEqual([body.site, body.from, body.to], ['park-1', '2026-06-01T00:00:00.000Z', '2026-06-01T11:50:00.000Z']);
  assert.deepEqual(
    body.forecasts.map((f) => f.issueTime),
    ['2026-06-01T00:00:00.000Z', '2026-06-01T06:00:00.000Z', '2026-06-01T11:50:00.000Z'],
  );
  assert.equal((res.headers as Record<string, string>)['cache-control'], 'no-store');
  // Exactly the limits are accepted: 7 days wide, 90 days back, and a few minutes of the caller's clock running ahead.
  const widest = await forecast(q({ site: 'park-1', from: '2026-03-03T12:00:00Z', to: '2026-03-10T12:00:00Z' }));
  assert.equal(widest.status, 200);
  assert.deepEqual((widest.jsonBody as { forecasts: Forecast[] }).forecasts, []);
  assert.equal(
    (await forecast(q({ site: 'park-1', from: '2026-06-01T11:00:00Z', to: '2026-06-01T12:04:00Z' }))).status,
    200,
  );
  assert.equal(FORECAST_QUERY_LIMITS.maxRangeDays, 7);
});

test('store failures on a range read: 503 with Retry-After, or 500, and no internals', async () => {
  const range = q({ site: 'park-1', from: '2026-06-01T00:00:00Z', to: '2026-06-01T06:00:00Z' });
  try {
    services.forecasts.failWith = new ForecastStoreUnavailableError(
      'Cosmos DB could not read forecasts: connect ECONNREFUSED 127.0.0.1:8081',
    );
    const down = await forecast(range);
    assert.equal(down.status, 503);
    assert.equal((down.headers as Record<string, string>)['retry-after'], '30');
    assertNothingLeaks(down, '503');
    const bug = new TypeError("Cannot read properties of undefined (reading 'issueTime')");
    services.forecasts.failWith = bug;
    const broken = await forecast(range);
    assert.equal(broken.status, 500);
    assert.deepEqual(broken.jsonBody, { error: 'internal error while reading the forecast' });
    assertNothingLeaks(broken, '500');
  } finally {
    services.forecasts.failWith = undefined;
  }
});

test('any query at all: the forecast endpoint answers 200, 400 or 404, never throws, never leaks (property)', async () => {
  const key = fc.oneof(
    fc.constantFrom('site', 'from', 'to', 'code', 'sites', ''),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const value = fc.oneof(
    fc.constantFrom('park-1', '2026-06-01T00:00:00Z', '2026-05-31T12:00:00Z', "' OR 1=1 --", '<script>'),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 5 }), async (pairs) => {
      const res = await forecast(new URLSearchParams(pairs).toString());
      assert.ok([200, 400, 404].includes(res.status ?? 0), `status ${res.status}`);
      assertNothingLeaks(res, JSON.stringify(pairs), res.status === 200 ? 100_000 : 1_000);
    }),
    { numRuns: 1_000 },
  );
});

test('health and its details take no parameters: unknown ones are refused naming them; the function key is accepted', async () => {
  assertRefused(
    await liveness('verbose=1'),
    /query parameter "verbose" is not supported; \/api\/health takes no parameters/,
    'verbose',
  );
  assert.equal((await liveness('code=some-key')).status, 200);
  assertRefused(
    await health('verbose=1'),
    /query parameter "verbose" is not supported; \/api\/health\/details takes no parameters/,
    'verbose',
  );
  assertRefused(
    await health('%3Cscript%3Ealert(1)%3C%2Fscript%3E='),
    /query parameter "<script>alert\(1\)<\/script>" is not supported/,
    'script',
  );
  assertRefused(await health(`x=${'y'.repeat(3000)}`), /the query string is \d+ characters long; at most 2048/, 'long');
  assertRefused(await health('code=k&%E2%80%AE=1'), /query parameter "\\u202e" is not supported/, 'bidi');
  const res = await health('code=some-key');
  assert.notEqual(res.status, 400);
  assert.doesNotMatch(JSON.stringify(res.jsonBody), /some-key/);
});

test('health never shows a stack trace, even when the check itself fails', async () => {
  const broken = { ...testServices(new FixedClock(NOW)) };
  broken.registry = { champion: () => Promise.reject(new Error('boom')) } as unknown as typeof broken.registry;
  broken.status = {
    read: () =>
      Promise.reject(
        Object.assign(new Error('ECONNREFUSED 127.0.0.1:10000'), {
          stack: 'Error: x\n    at Object.<anonymous> (/app/dist/shared/x.js:1:1)',
        }),
      ),
  } as unknown as typeof broken.status;
  const res = await makeHealthDetailsHandler(() => broken)(get('health/details', ''), context('health-details'));
  assert.equal(res.status, 503);
  assert.doesNotMatch(JSON.stringify(res.jsonBody), /\.js:\d+|at Object/);
});

test('actuals: hostile sites, unknown, repeated and oversized parameters and bad ranges are 400s naming the parameter', async () => {
  for (const site of [
    "' OR '1'='1",
    '{"$ne": null}',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'park-1\u0000',
    '\u202Epark-1',
    'park-\ud800',
    'park-1\r\nX-Injected: yes',
    'Park-1',
    '__proto__',
    'x'.repeat(2000),
  ]) {
    const error = assertRefused(
      await actuals(q({ site })),
      /query parameter "site"/,
      JSON.stringify(site.slice(0, 40)),
    );
    assert.ok(
      !error.includes('\u202E') && !error.includes('\u0000') && !error.includes('\r'),
      'no raw control or bidi characters',
    );
  }
  const cases: [string, RegExp][] = [
    ['', /query parameter "site" is required; expected one of "park-1"/],
    ['site=park-1&site=park-1', /query parameter "site" is given 2 times; give it once/],
    ['sites=park-1', /query parameter "sites" is not supported; expected "site", and optionally "from" and "to"/],
    ['site=park-1&__proto__=1', /query parameter "__proto__" is not supported/],
    ['site[$ne]=x', /query parameter "site\[\$ne\]" is not supported/],
    ['site=park-1&x%E2%80%AE=1', /query parameter "x\\u202e" is not supported/],
    [`site=park-1&${'p'.repeat(500)}=1`, /query parameter "p{64}\.\.\." is not supported/],
    [`site=park-1&from=${'9'.repeat(3000)}`, /the query string is \d+ characters long; at most 2048/],
    [q({ site: 'park-1', from: '2026-06-01T00:00:00Z' }), /query parameter "to" is required with "from"/],
    [
      q({ site: 'park-1', from: 'yesterday', to: '2026-06-01T00:00:00Z' }),
      /query parameter "from" is "yesterday", expected an ISO 8601 time with a zone/,
    ],
    [
      q({ site: 'park-1', from: '2026-02-31T00:00:00Z', to: '2026-03-01T00:00:00Z' }),
      /"from" is "2026-02-31T00:00:00Z", not a valid time/,
    ],
    [
      q({ site: 'park-1', from: `2026-05-31T00:00:00Z${' '.repeat(50)}`, to: '2026-06-01T00:00:00Z' }),
      /"from" is 70 characters long/,
    ],
    [q({ site: 'park-1', from: '2026-06-01T00:00:00Z', to: '2026-05-31T00:00:00Z' }), /"to" .* must be after "from"/],
    [
      q({ site: 'park-1', from: '2026-05-20T00:00:00Z', to: '2026-05-28T00:00:01Z' }),
      /query parameter "to" is 8\.0 days after "from"; a range spans at most 7 days/,
    ],
    [
      q({ site: 'park-1', from: '2026-02-01T00:00:00Z', to: '2026-02-03T00:00:00Z' }),
      /query parameter "from" \(2026-02-01T00:00:00.000Z\) is more than 90 days ago/,
    ],
    [
      q({ site: 'park-1', from: '2026-06-01T11:00:00Z', to: '2026-06-01T13:00:00Z' }),
      /query parameter "to" \(2026-06-01T13:00:00.000Z\) is in the future/,
    ],
  ];
  for (const [query, reason] of cases) assertRefused(await actuals(query), reason, query.slice(0, 60));
  const res = await actuals('site=park-1&code=secret-function-key-123&code=again');
  assert.equal(res.status, 200, 'the function key in the query is accepted');
  assert.doesNotMatch(JSON.stringify(res.jsonBody), /secret-function-key/);
});

test('any query at all: the actuals endpoint answers 200 or 400, never throws, never leaks (property)', async () => {
  const key = fc.oneof(
    fc.constantFrom('site', 'from', 'to', 'code', 'sites', ''),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const value = fc.oneof(
    fc.constantFrom('park-1', '2026-06-01T00:00:00Z', '2026-05-31T12:00:00Z', "' OR 1=1 --", '<script>'),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 5 }), async (pairs) => {
      const res = await actuals(new URLSearchParams(pairs).toString());
      assert.ok([200, 400].includes(res.status ?? 0), `status ${res.status}`);
      assertNothingLeaks(res, JSON.stringify(pairs), res.status === 200 ? 100_000 : 1_000);
    }),
    { numRuns: 500 },
  );
});

test('any query at all: the dashboard is the page (200) or a 400 page quoting the caller only escaped, always with its CSP (property)', async () => {
  const key = fc.oneof(
    fc.constantFrom('site', 'hours', 'code', 'view', ''),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const value = fc.oneof(
    fc.constantFrom('park-1', '12', '72', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --"),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 4 }), async (pairs) => {
      const res = await dashboard(new URLSearchParams(pairs).toString());
      const headers = res.headers as Record<string, string>;
      const html = String(res.body);
      assert.ok([200, 400].includes(res.status ?? 0), `status ${res.status}`);
      assert.match(headers['content-security-policy'] ?? '', /default-src 'none'.*script-src 'self'/);
      assert.equal(headers['content-type'], 'text/html; charset=utf-8');
      assert.doesNotMatch(html, /secret|\.js:\d+|node:internal|Error:/);
      if (res.status === 400) {
        assert.doesNotMatch(html, /<script|<img/i, 'nothing the caller sent becomes markup');
        const message = /<p>([^]*?)<\/p><\/div>/.exec(html)?.[1] ?? '';
        assert.match(message, /^query parameter |^the query string is /);
        assert.match(message, /^[\x20-\x7e]*$/, 'printable ASCII only');
        assert.ok(message.length < 1_000, 'a short message');
      }
    }),
    { numRuns: 500 },
  );
});

test('dashboard assets: only the listed names are served; paths, encodings and near-misses are 404s', async () => {
  for (const name of [
    '../package.json',
    '..%2fpackage.json',
    '....//host.json',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'dashboard.js/..',
    'dashboard.js?x=1',
    'DASHBOARD.JS',
    'dashboard.js\u0000.png',
    'uPlot.esm.js',
    '__proto__',
    'constructor',
    'x'.repeat(5000),
  ]) {
    const res = await asset(name);
    assert.equal(res.status, 404, JSON.stringify(name.slice(0, 40)));
    assert.equal(String(res.body), 'no such dashboard asset\n');
    assert.equal((res.headers as Record<string, string>)['x-content-type-options'], 'nosniff');
  }
  assert.equal((await asset('dashboard.js')).status, 200);
});
