import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { makeDashboardHandler } from '../../../functions/dashboard';
import { DEFAULT_COST_INPUTS } from '../../../shared/cost/CostInputs';
import { estimateMonthlyCost } from '../../../shared/cost/estimateMonthlyCost';
import { loadPriceTable } from '../../../shared/cost/PriceTable';
import { DASHBOARD_SCRIPT } from '../../../shared/dashboard/dashboardScript';
import { FixedClock } from '../../support/fixedClock';
import { testConfig, testServices } from '../../support/testServices';

test('the estimate prices the call the dashboard script makes: one /api/dashboard/data per refresh', () => {
  // If the script calls another endpoint, or one more often, dashboardUsage must count it before this list changes.
  const calls = [...DASHBOARD_SCRIPT.matchAll(/\bapi\('([a-z-]+)'/g)].map((m) => m[1]);
  assert.deepEqual(calls, ['data']);
  const e = estimateMonthlyCost(DEFAULT_COST_INPUTS, loadPriceTable());
  const { calls: c, refreshes } = e.dashboard;
  assert.equal(c.data, refreshes);
  // A page load's first call reads the window; the rest read the summary shard and the status blobs.
  assert.equal(c.windowReads, c.page);
  assert.equal(e.dashboard.readsPerCall, 1 + 2 * 4 + 2);
  assert.equal(e.functions.find((f) => f.name === 'dashboard-data')?.executionsPerMonth, refreshes);
  for (const name of ['forecast', 'health'])
    assert.equal(
      e.functions.find((f) => f.name === name)?.executionsPerMonth,
      12 * e.hoursPerMonth,
      `${name}: only its other clients`,
    );
});

test('the default refresh period and window are the ones the page is served with', async () => {
  const services = testServices(new FixedClock(new Date('2026-06-01T12:00:00Z')), testConfig());
  const res = await makeDashboardHandler(() => services)(
    new HttpRequest({ method: 'GET', url: 'http://localhost/api/dashboard' }),
    new InvocationContext(),
  );
  const page = String(res.body);
  const json = /<script id="dashboard-config" type="application\/json">([^<]*)<\/script>/.exec(page)?.[1];
  assert.ok(json, 'the page carries its settings');
  const cfg = JSON.parse(json) as { refreshSeconds: number; hours: number };
  assert.deepEqual(
    [cfg.refreshSeconds, cfg.hours],
    [DEFAULT_COST_INPUTS.dashboardRefreshSeconds, DEFAULT_COST_INPUTS.dashboardWindowHours],
  );
});

test('the reference estimate counts the dashboard: without it the total is lower, and it grows with the open hours', () => {
  const prices = loadPriceTable();
  const total = (hours: number): number =>
    estimateMonthlyCost({ ...DEFAULT_COST_INPUTS, dashboardOpenHoursPerDay: hours }, prices).total.listCost;
  assert.ok(
    total(0) < total(DEFAULT_COST_INPUTS.dashboardOpenHoursPerDay),
    'the default deployment has a dashboard open',
  );
  assert.ok(total(8) < total(16) && total(16) < total(24));
  const none = estimateMonthlyCost({ ...DEFAULT_COST_INPUTS, dashboardOpenHoursPerDay: 0 }, prices);
  assert.deepEqual(
    none.functions
      .filter((f) => ['actuals', 'dashboard', 'dashboard-assets', 'dashboard-data'].includes(f.name))
      .map((f) => f.executionsPerMonth),
    [0, 0, 0, 0],
  );
});
