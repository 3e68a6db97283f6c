import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Budget, Notification } from '@azure/arm-consumption';
import { describeBudget } from '../../../shared/budget/describeBudget';
import { toBudgetState } from '../../../shared/budget/toBudgetState';

const READ_AT = new Date('2026-11-29T06:00:00Z');

function notification(
  threshold: number,
  operator: string,
  thresholdType: 'Actual' | 'Forecasted' | undefined,
  enabled = true,
): Notification {
  return {
    enabled,
    operator,
    threshold,
    contactEmails: ['a@example.com'],
    ...(thresholdType ? { thresholdType } : {}),
  };
}

function budget(
  current: number | undefined,
  forecast: number | undefined,
  notifications: Record<string, Notification>,
  amount = 200,
): Budget {
  return {
    name: 'b',
    category: 'Cost',
    amount,
    timeGrain: 'Monthly',
    timePeriod: { startDate: new Date('2026-11-01T00:00:00Z') },
    ...(current !== undefined ? { currentSpend: { amount: current, unit: 'EUR' } } : {}),
    ...(forecast !== undefined ? { forecastSpend: { amount: forecast, unit: 'EUR' } } : {}),
    notifications,
  } as Budget;
}

// [case, current, forecast, notification, crossed?]
const CASES: [string, number, number, Notification, boolean][] = [
  ['GreaterThan below', 159, 0, notification(80, 'GreaterThan', 'Actual'), false],
  ['GreaterThan at the threshold is not crossed', 160, 0, notification(80, 'GreaterThan', 'Actual'), false],
  ['GreaterThan above', 161, 0, notification(80, 'GreaterThan', 'Actual'), true],
  ['GreaterThanOrEqualTo at the threshold', 160, 0, notification(80, 'GreaterThanOrEqualTo', 'Actual'), true],
  ['EqualTo exactly', 100, 0, notification(50, 'EqualTo', 'Actual'), true],
  ['EqualTo off by a cent', 100.01, 0, notification(50, 'EqualTo', 'Actual'), false],
  ['Forecasted watches the forecast, not the actual', 10, 250, notification(100, 'GreaterThan', 'Forecasted'), true],
  ['Forecasted ignores a high actual', 250, 10, notification(100, 'GreaterThan', 'Forecasted'), false],
  ['no thresholdType means Actual (the API default)', 170, 0, notification(80, 'GreaterThan', undefined), true],
  ['a disabled notification is never crossed', 300, 300, notification(50, 'GreaterThan', 'Actual', false), false],
];

for (const [name, current, forecast, n, crossed] of CASES) {
  test(`notification: ${name}`, () => {
    const s = toBudgetState(budget(current, forecast, { n }), '/subscriptions/x', 'b', READ_AT);
    assert.equal(s.notifications[0]?.crossed, crossed);
  });
}

test('levels: under, alerting, and over-budget once actual spend reaches the amount', () => {
  const ns = { a80: notification(80, 'GreaterThan', 'Actual'), f100: notification(100, 'GreaterThan', 'Forecasted') };
  assert.equal(toBudgetState(budget(10, 50, ns), '/s', 'b', READ_AT).level, 'under');
  const alerting = toBudgetState(budget(10, 210, ns), '/s', 'b', READ_AT);
  assert.equal(alerting.level, 'alerting');
  assert.deepEqual(alerting.crossed, { actual: [], forecasted: [100] });
  const over = toBudgetState(budget(200, 260, ns), '/s', 'b', READ_AT);
  assert.equal(over.level, 'over-budget');
  assert.deepEqual(over.crossed, { actual: [80], forecasted: [100] });
  assert.match(
    describeBudget(over),
    /200\.00 of 200\.00 EUR spent \(100%\), forecast 260\.00 EUR \(130%\) in the monthly period from 2026-11-01; OVER BUDGET; alerts crossed: actual > 80%, forecasted > 100%/,
  );
});

test('a budget without spend or forecast yet (or with amount 0) has no percentages and crosses nothing', () => {
  const s = toBudgetState(
    budget(undefined, undefined, { a: notification(50, 'GreaterThan', 'Actual') }),
    '/s',
    'b',
    READ_AT,
  );
  assert.equal(s.currentSpend, null);
  assert.equal(s.forecastSpend, null);
  assert.equal(s.actualPercent, null);
  assert.equal(s.currency, null);
  assert.equal(s.level, 'under');
  assert.match(describeBudget(s), /no spend reported yet, no forecast/);
  const zero = toBudgetState(budget(5, 5, {}, 0), '/s', 'b', READ_AT);
  assert.equal(zero.actualPercent, null);
});
