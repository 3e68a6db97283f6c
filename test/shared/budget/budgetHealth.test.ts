import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetHealth } from '../../../shared/budget/budgetHealth';
import type { BudgetState } from '../../../shared/budget/BudgetState';

const budget = (level: BudgetState['level']): BudgetState => ({
  scope: '/subscriptions/x',
  name: 'b',
  category: 'Cost',
  amount: 50,
  currency: 'USD',
  timeGrain: 'Monthly',
  periodStart: null,
  periodEnd: null,
  currentSpend: 10,
  forecastSpend: 20,
  actualPercent: 20,
  forecastPercent: 40,
  notifications: [],
  crossed: { actual: [], forecasted: [] },
  level,
  readAt: '2026-11-29T06:00:00.000Z',
});

test('budget health from cost-watch records: unknown, not configured, ok, alerting, over budget, error with the last known budget', () => {
  assert.equal(budgetHealth(undefined).state, 'unknown');
  const at = '2026-11-29T06:00:00.000Z';
  assert.equal(
    budgetHealth({
      at,
      ok: true,
      summary: 'not configured',
      details: { outcome: 'not-configured', budget: null, stale: false },
    }).state,
    'not-configured',
  );
  assert.equal(
    budgetHealth({ at, ok: true, summary: 's', details: { outcome: 'read', budget: budget('under'), stale: false } })
      .state,
    'ok',
  );
  assert.equal(
    budgetHealth({ at, ok: true, summary: 's', details: { outcome: 'read', budget: budget('alerting'), stale: false } })
      .state,
    'alerting',
  );
  assert.equal(
    budgetHealth({
      at,
      ok: true,
      summary: 's',
      details: { outcome: 'read', budget: budget('over-budget'), stale: false },
    }).state,
    'over-budget',
  );
  const failed = budgetHealth({
    at,
    ok: false,
    summary: 'BUDGET_THROTTLED: slow down',
    details: {
      outcome: 'BUDGET_THROTTLED',
      budget: budget('under'),
      stale: true,
      error: { code: 'BUDGET_THROTTLED', message: 'slow down', retryable: true, retryAfterMs: 1000 },
    },
  });
  assert.equal(failed.state, 'error');
  assert.deepEqual(failed.error, { code: 'BUDGET_THROTTLED', message: 'slow down', retryable: true });
  assert.equal(failed.stale, true);
  assert.equal(failed.budget?.currentSpend, 10);
});
