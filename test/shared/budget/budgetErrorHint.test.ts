import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BudgetErrorCode } from '../../../shared/budget/BudgetError';
import { budgetErrorHint } from '../../../shared/budget/budgetErrorHint';

test('a hint for what an operator must fix, none for what passes with time', () => {
  const cases: [BudgetErrorCode, RegExp | undefined][] = [
    ['BUDGET_AUTH', /Cost Management Reader.*az login/],
    ['BUDGET_NOT_FOUND', /check BUDGET_SCOPE and BUDGET_NAME/],
    ['BUDGET_CONFIG', /fix the app settings BUDGET_SCOPE and BUDGET_NAME/],
    ['BUDGET_THROTTLED', undefined],
    ['BUDGET_UNAVAILABLE', undefined],
  ];
  for (const [code, hint] of cases) {
    if (hint) assert.match(budgetErrorHint(code) ?? '', hint, code);
    else assert.equal(budgetErrorHint(code), undefined, code);
  }
});
