import type { BudgetErrorCode } from './BudgetError';

const HINTS: Partial<Record<BudgetErrorCode, string>> = {
  BUDGET_AUTH:
    'check the app identity and its role on the budget scope (Cost Management Reader); locally, sign in again (az login)',
  BUDGET_NOT_FOUND: 'check BUDGET_SCOPE and BUDGET_NAME against the budget the infrastructure declares',
  BUDGET_CONFIG: 'fix the app settings BUDGET_SCOPE and BUDGET_NAME',
};

/** What an operator should do about a budget read that retrying will not mend, or undefined when time alone will. */
export function budgetErrorHint(code: BudgetErrorCode): string | undefined {
  return HINTS[code];
}
