import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  BudgetAuthError,
  BudgetConfigError,
  BudgetError,
  BudgetNotFoundError,
  BudgetThrottledError,
  BudgetUnavailableError,
} from '../../../shared/budget/BudgetError';
import {
  ConsumptionBudgetReader,
  type ConsumptionBudgetReaderOptions,
} from '../../../shared/budget/ConsumptionBudgetReader';
import { FixedClock } from '../../support/fixedClock';
import { ConsumptionTestServer, loadFixture } from './ConsumptionTestServer';

const SCOPE = '/subscriptions/3f2b6a4e-8d1c-4c1d-9a7e-5b8c2d1e0f00/resourceGroups/rg-forecast-prod';
const BUDGET = 'forecast-monthly';
const TOKEN = 'test-token-7f3a9c'; // stands in for a bearer token; must never show up in errors
const READ_AT = new Date('2026-11-29T06:00:00Z');

/** A credential like a working managed identity, counting its calls. */
function credential(): TokenCredential & { calls: number } {
  const c = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      c.calls++;
      return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return c;
}

let server: ConsumptionTestServer;
before(async () => {
  server = await ConsumptionTestServer.start();
});
after(async () => {
  await server.stop();
});
beforeEach(() => server.reset());

function reader(
  options: Partial<ConsumptionBudgetReaderOptions> = {},
  cred: TokenCredential = credential(),
): ConsumptionBudgetReader {
  return new ConsumptionBudgetReader(cred, {
    endpoint: server.endpoint,
    agent: server.agent,
    maxRetries: 0,
    clock: new FixedClock(READ_AT),
    ...options,
  });
}

async function failure(p: Promise<unknown>): Promise<BudgetError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BudgetError, `expected a BudgetError, got ${String(err)}`);
    assert.doesNotMatch(err.message, new RegExp(TOKEN));
    return err;
  }
  assert.fail('expected the read to fail');
}

test('reads a budget through the real SDK: amount, spend, forecast, period and notifications, with a bearer token over TLS', async () => {
  server.answer('budget-ok');
  const b = await reader().read(SCOPE, BUDGET);
  assert.equal(server.seen.length, 1);
  const seen = server.seen[0];
  assert.equal(seen?.path, `${SCOPE}/providers/Microsoft.Consumption/budgets/${BUDGET}`);
  assert.equal(seen?.query['api-version'], '2021-10-01', 'the api-version the SDK was generated for');
  assert.equal(seen?.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(
    { ...b, notifications: b.notifications.map((n) => [n.name, n.thresholdType, n.operator, n.threshold, n.crossed]) },
    {
      scope: SCOPE,
      name: BUDGET,
      category: 'Cost',
      amount: 50,
      currency: 'USD',
      timeGrain: 'Monthly',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2027-10-31T00:00:00.000Z',
      currentSpend: 12.34,
      forecastSpend: 31.2,
      actualPercent: 24.68,
      forecastPercent: 62.4,
      notifications: [
        ['Actual_GreaterThan_50_Percent', 'Actual', 'GreaterThan', 50, false],
        ['Actual_GreaterThan_80_Percent', 'Actual', 'GreaterThan', 80, false],
        ['Actual_GreaterThan_100_Percent', 'Actual', 'GreaterThan', 100, false],
        ['Forecasted_GreaterThan_100_Percent', 'Forecasted', 'GreaterThan', 100, false],
      ],
      crossed: { actual: [], forecasted: [] },
      level: 'under',
      readAt: READ_AT.toISOString(),
    },
  );
  assert.deepEqual(b.notifications[0]?.recipients, { emails: 2, groups: 1, roles: 1 });
  assert.doesNotMatch(JSON.stringify(b), /contoso\.com/, 'recipient addresses are not kept (health is anonymous)');
});

test('a budget near and over its thresholds reports which actual and forecasted notifications are crossed', async () => {
  server.answer('budget-over-threshold');
  const b = await reader().read(SCOPE, BUDGET);
  assert.equal(b.actualPercent, 83);
  assert.equal(b.forecastPercent, 114.2);
  assert.deepEqual(b.crossed, { actual: [50, 80], forecasted: [100] });
  assert.equal(b.level, 'alerting');
});

test('the scope is accepted with or without leading and trailing slashes, and a malformed one is refused before any request', async () => {
  server.answer('budget-ok', 'budget-ok');
  await reader().read(SCOPE.slice(1), BUDGET);
  await reader().read(`${SCOPE}/`, BUDGET);
  assert.deepEqual(
    server.seen.map((s) => s.path),
    [loadFixture('budget-ok').request.path, loadFixture('budget-ok').request.path],
  );
  const err = await failure(reader().read('/subscriptions/x/../../providers', BUDGET));
  assert.ok(err instanceof BudgetConfigError);
  assert.equal(server.seen.length, 2);
});

test('404 -> BUDGET_NOT_FOUND naming the scope and the budget, not retryable', async () => {
  server.answer('budget-not-found');
  const err = await failure(reader().read(SCOPE, BUDGET));
  assert.ok(err instanceof BudgetNotFoundError);
  assert.equal(err.code, 'BUDGET_NOT_FOUND');
  assert.equal(err.status, 404);
  assert.equal(err.canRetry(), false);
  assert.match(err.message, new RegExp(`budget "${BUDGET}" not found at scope "${SCOPE}": NotFound: `));
});

test('401 with an expired token -> BUDGET_AUTH with the service code, not retryable, no token in the message', async () => {
  server.answer('expired-token');
  const err = await failure(reader().read(SCOPE, BUDGET));
  assert.ok(err instanceof BudgetAuthError);
  assert.equal(err.code, 'BUDGET_AUTH');
  assert.equal(err.status, 401);
  assert.equal(err.canRetry(), false);
  assert.match(err.message, /HTTP 401 .*ExpiredAuthenticationToken/);
  assert.equal(server.seen.length, 1, 'a refused token is not retried');
});

test('403 -> BUDGET_AUTH that says which role is missing', async () => {
  const forbidden = loadFixture('expired-token');
  forbidden.response = {
    status: 403,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: {
      error: {
        code: 'AuthorizationFailed',
        message: "The client does not have authorization to perform action 'Microsoft.Consumption/budgets/read'.",
      },
    },
  };
  server.answer(forbidden);
  const err = await failure(reader().read(SCOPE, BUDGET));
  assert.equal(err.code, 'BUDGET_AUTH');
  assert.match(err.message, /Cost Management Reader.*AuthorizationFailed/);
});

test('429 with a long Retry-After -> BUDGET_THROTTLED at once, retryable, carrying the wait', async () => {
  server.answer('throttled');
  const started = Date.now();
  const err = await failure(reader({ maxRetries: 3 }).read(SCOPE, BUDGET));
  assert.ok(err instanceof BudgetThrottledError);
  assert.equal(err.code, 'BUDGET_THROTTLED');
  assert.equal(err.canRetry(), true);
  assert.equal(err.retryAfter(), 120_000);
  assert.match(err.message, /retry after 120 s.*TooManyRequests/);
  assert.equal(server.seen.length, 1, 'a wait longer than maxRetryAfterMs is left to the next run');
  assert.ok(Date.now() - started < 5_000);
});

test('429 with a short Retry-After is waited out by the SDK and the read then succeeds', async () => {
  const shortWait = loadFixture('throttled');
  shortWait.response.headers['retry-after'] = '1';
  server.answer(shortWait, 'budget-ok');
  const started = Date.now();
  const b = await reader({ maxRetries: 2 }).read(SCOPE, BUDGET);
  assert.equal(b.currentSpend, 12.34);
  assert.equal(server.seen.length, 2);
  assert.ok(Date.now() - started >= 950, 'the retry waited for Retry-After');
});

test('429 on every attempt -> BUDGET_THROTTLED with the last Retry-After', async () => {
  const shortWait = loadFixture('throttled');
  shortWait.response.headers['retry-after'] = '0';
  server.answer(shortWait, shortWait);
  const err = await failure(reader({ maxRetries: 1 }).read(SCOPE, BUDGET));
  assert.equal(err.code, 'BUDGET_THROTTLED');
  assert.equal(err.retryAfter(), 0);
  assert.equal(server.seen.length, 2);
});

test('a server error -> BUDGET_UNAVAILABLE, retryable; a refused request (400) is not retryable', async () => {
  const outage = loadFixture('budget-not-found');
  outage.response = {
    status: 503,
    headers: { 'content-type': 'application/json' },
    body: { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } },
  };
  server.answer(outage);
  const err = await failure(reader().read(SCOPE, BUDGET));
  assert.ok(err instanceof BudgetUnavailableError);
  assert.equal(err.canRetry(), true);
  assert.match(err.message, /HTTP 503: ServiceUnavailable/);

  // A 503 asking for a long pause is not waited out inside the run either.
  const longOutage = structuredClone(outage);
  longOutage.response.headers['retry-after'] = '600';
  server.answer(longOutage);
  const later = await failure(reader({ maxRetries: 3 }).read(SCOPE, BUDGET));
  assert.equal(later.code, 'BUDGET_UNAVAILABLE');
  assert.equal(later.canRetry(), true);
  assert.match(later.message, /HTTP 503\) and asks to retry after 600 s: ServiceUnavailable/);
  assert.equal(server.seen.length, 2);

  const bad = loadFixture('budget-not-found');
  bad.response = {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: { error: { code: 'BadRequest', message: 'Invalid scope.' } },
  };
  server.answer(bad);
  const refused = await failure(reader().read(SCOPE, BUDGET));
  assert.equal(refused.code, 'BUDGET_UNAVAILABLE');
  assert.equal(refused.canRetry(), false);
});

test('nothing listening -> BUDGET_UNAVAILABLE, retryable', async () => {
  const err = await failure(reader({ endpoint: 'https://127.0.0.1:9' }).read(SCOPE, BUDGET));
  assert.equal(err.code, 'BUDGET_UNAVAILABLE');
  assert.equal(err.status, undefined);
  assert.equal(err.canRetry(), true);
});

test('a credential that throws (an expired CLI login) -> BUDGET_AUTH before any request, its secrets redacted', async () => {
  const expiredLogin: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      const e = new Error(
        'AzureCliCredential: ERROR: AADSTS700082: The refresh token has expired. Please run az login. (cached access_token=eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl)',
      );
      e.name = 'CredentialUnavailableError';
      throw e;
    },
  };
  const err = await failure(reader({}, expiredLogin).read(SCOPE, BUDGET));
  assert.ok(err instanceof BudgetAuthError);
  assert.match(err.message, /could not get a token .*\(CredentialUnavailableError\).*AADSTS700082/);
  assert.doesNotMatch(err.message, /eyJ/);
  assert.equal(server.seen.length, 0);
});

test('a credential that returns no token -> BUDGET_AUTH', async () => {
  const empty: TokenCredential = { getToken: async () => null };
  const err = await failure(reader({}, empty).read(SCOPE, BUDGET));
  assert.equal(err.code, 'BUDGET_AUTH');
  assert.equal(server.seen.length, 0);
});
