import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { makeCostWatchHandler } from '../../functions/costWatch';
import { BudgetThrottledError } from '../../shared/budget/BudgetError';
import { budgetHealth } from '../../shared/budget/budgetHealth';
import { createCostWatchDeps } from '../../shared/budget/createCostWatchDeps';
import { COST_WATCH_STATUS, type CostWatchDetails } from '../../shared/budget/watchBudget';
import { StatusStore } from '../../shared/storage/StatusStore';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { MemoryBlobStore } from '../support/MemoryBlobStore';
import { ConsumptionTestServer } from '../shared/budget/ConsumptionTestServer';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const ENV = {
  BUDGET_SCOPE: '/subscriptions/3f2b6a4e-8d1c-4c1d-9a7e-5b8c2d1e0f00/resourceGroups/rg-forecast-prod',
  BUDGET_NAME: 'forecast-monthly',
};
const TOKEN = 'test-token-4b2e91'; // must never reach a log line or a stored blob

const managedIdentity: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let server: ConsumptionTestServer;
before(async () => {
  server = await ConsumptionTestServer.start();
});
after(async () => {
  await server.stop();
});
beforeEach(() => server.reset());

/** The production wiring (createCostWatchDeps) over in-memory blobs, pointed at the recorded-response server. */
function setup(env: Record<string, string> = ENV, credential: TokenCredential = managedIdentity) {
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(new Date('2026-11-29T06:00:00Z'));
  const status = new StatusStore(blobs);
  const deps = createCostWatchDeps({ status, clock }, env, credential, {
    endpoint: server.endpoint,
    agent: server.agent,
    maxRetries: 0,
  });
  const logs: { level: string; text: string }[] = [];
  const context = () =>
    new InvocationContext({
      functionName: 'cost-watch',
      logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
    });
  const recorded = async () => {
    const s = await status.read(COST_WATCH_STATUS);
    assert.ok(s, 'cost-watch recorded its run');
    return { ...s, details: s.details as unknown as CostWatchDetails };
  };
  const noSecrets = () => {
    const everything = JSON.stringify(logs) + [...blobs.blobs.values()].map((b) => b.body.toString()).join('');
    assert.doesNotMatch(everything, new RegExp(TOKEN), 'no token in logs or blobs');
  };
  return { blobs, status, handler: makeCostWatchHandler(() => deps), logs, context, recorded, noSecrets };
}

test('a budget read is stored in state/status/cost-watch.json for /api/health and logged in one line', async () => {
  const t = setup();
  server.answer('budget-ok');
  const outcome = await t.handler(timer, t.context());
  assert.equal(outcome.outcome, 'read');
  assert.ok(t.blobs.names(CONTAINERS.state).includes('status/cost-watch.json'));
  const s = await t.recorded();
  assert.equal(s.ok, true);
  assert.equal(s.at, '2026-11-29T06:00:00.000Z');
  assert.equal(s.details.outcome, 'read');
  assert.equal(s.details.budget?.currentSpend, 12.34);
  assert.equal(s.details.budget?.forecastSpend, 31.2);
  assert.deepEqual(
    t.logs.map((l) => l.level),
    ['information'],
  );
  assert.match(
    t.logs[0]?.text ?? '',
    /^cost-watch: budget "forecast-monthly" at \/subscriptions\/.*\/resourceGroups\/rg-forecast-prod: 12\.34 of 50\.00 USD spent \(24\.68%\), forecast 31\.20 USD \(62\.4%\) in the monthly period from 2026-11-01; no alert threshold crossed$/,
  );
  assert.equal(budgetHealth(await t.status.read(COST_WATCH_STATUS)).state, 'ok');
  t.noSecrets();
});

test('crossed thresholds are logged as a warning and reported by the health section', async () => {
  const t = setup();
  server.answer('budget-over-threshold');
  await t.handler(timer, t.context());
  assert.deepEqual(
    t.logs.map((l) => l.level),
    ['warning'],
  );
  assert.match(t.logs[0]?.text ?? '', /alerts crossed: actual > 50%, actual > 80%, forecasted > 100%/);
  const health = budgetHealth(await t.status.read(COST_WATCH_STATUS));
  assert.equal(health.state, 'alerting');
  assert.deepEqual(health.budget?.crossed, { actual: [50, 80], forecasted: [100] });
});

test('an expired token: a clear BUDGET_AUTH outcome is logged and recorded, and the run does not crash', async () => {
  const t = setup();
  server.answer('expired-token');
  const outcome = await t.handler(timer, t.context());
  assert.equal(outcome.outcome, 'BUDGET_AUTH');
  assert.deepEqual(
    t.logs.map((l) => l.level),
    ['error'],
  );
  assert.match(
    t.logs[0]?.text ?? '',
    /^cost-watch BUDGET_AUTH \(recorded, not retried\): .*HTTP 401.*ExpiredAuthenticationToken.*; check the app identity/,
  );
  const s = await t.recorded();
  assert.equal(s.ok, false);
  assert.equal(s.details.error?.code, 'BUDGET_AUTH');
  assert.equal(s.details.error?.retryable, false);
  assert.equal(budgetHealth(await t.status.read(COST_WATCH_STATUS)).state, 'error');
  t.noSecrets();
});

test('a credential that cannot get a token (an expired az login): BUDGET_AUTH, recorded, no request sent, no crash', async () => {
  const expiredLogin: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      const e = new Error('Please run az login to setup account.');
      e.name = 'CredentialUnavailableError';
      throw e;
    },
  };
  const t = setup(ENV, expiredLogin);
  const outcome = await t.handler(timer, t.context());
  assert.equal(outcome.outcome, 'BUDGET_AUTH');
  assert.equal(server.seen.length, 0);
  assert.match(
    t.logs[0]?.text ?? '',
    /cost-watch BUDGET_AUTH \(recorded, not retried\): the credential could not get a token for Azure Resource Manager \(CredentialUnavailableError\): Please run az login/,
  );
  assert.equal((await t.recorded()).details.error?.code, 'BUDGET_AUTH');
});

test('a missing budget: BUDGET_NOT_FOUND naming scope and name, recorded, no crash', async () => {
  const t = setup();
  server.answer('budget-not-found');
  const outcome = await t.handler(timer, t.context());
  assert.equal(outcome.outcome, 'BUDGET_NOT_FOUND');
  assert.match(
    t.logs[0]?.text ?? '',
    /^cost-watch BUDGET_NOT_FOUND \(recorded, not retried\): budget "forecast-monthly" not found at scope "\/subscriptions\/.*\/resourceGroups\/rg-forecast-prod".*; check BUDGET_SCOPE and BUDGET_NAME/,
  );
  assert.equal((await t.recorded()).details.error?.code, 'BUDGET_NOT_FOUND');
});

test('throttled: recorded first (keeping the last known budget), then rethrown as retryable with its Retry-After', async () => {
  const t = setup();
  server.answer('budget-ok', 'throttled');
  await t.handler(timer, t.context());
  await assert.rejects(
    t.handler(timer, t.context()),
    (err: unknown) => err instanceof BudgetThrottledError && err.canRetry() && err.retryAfter() === 120_000,
  );
  assert.match(
    t.logs.at(-1)?.text ?? '',
    /^cost-watch failed \(retryable, BUDGET_THROTTLED, retry after 120000 ms\): the Consumption API throttled the read and asks to retry after 120 s/,
  );
  const s = await t.recorded();
  assert.equal(s.ok, false);
  assert.deepEqual(s.details.error, {
    code: 'BUDGET_THROTTLED',
    message: s.details.error?.message,
    retryable: true,
    retryAfterMs: 120_000,
    status: 429,
  });
  assert.equal(s.details.stale, true);
  assert.equal(s.details.budget?.currentSpend, 12.34, 'health keeps showing the last spend read');
});

test('without BUDGET_SCOPE (the local stack) it records "not configured" instead of failing', async () => {
  const t = setup({});
  const outcome = await t.handler(timer, t.context());
  assert.equal(outcome.outcome, 'not-configured');
  assert.equal(server.seen.length, 0);
  assert.match(t.logs[0]?.text ?? '', /^cost-watch: not configured: app setting "BUDGET_SCOPE" is not set/);
  const s = await t.recorded();
  assert.equal(s.ok, true);
  assert.equal(budgetHealth(await t.status.read(COST_WATCH_STATUS)).state, 'not-configured');
});

test('a scope without a budget name: BUDGET_CONFIG naming the setting, recorded, not retried', async () => {
  const t = setup({ BUDGET_SCOPE: ENV.BUDGET_SCOPE });
  const outcome = await t.handler(timer, t.context());
  assert.equal(outcome.outcome, 'BUDGET_CONFIG');
  assert.match(
    t.logs[0]?.text ?? '',
    /cost-watch BUDGET_CONFIG \(recorded, not retried\): app setting "BUDGET_NAME" is required/,
  );
  assert.equal((await t.recorded()).details.error?.code, 'BUDGET_CONFIG');
});
