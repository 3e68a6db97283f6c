import type { BudgetState } from './BudgetState';

/**
 * The port for reading a cost budget; adapter: the Consumption API (`ConsumptionBudgetReader`).
 * Failures are `BudgetError`s: BUDGET_AUTH, BUDGET_NOT_FOUND, BUDGET_THROTTLED or BUDGET_UNAVAILABLE.
 */
export interface BudgetReader {
  /**
   * The budget `budgetName` at `scope` (`/subscriptions/<id>` or `/subscriptions/<id>/resourceGroups/<rg>`, or
   * any other scope the Consumption API accepts).
   */
  read(scope: string, budgetName: string): Promise<BudgetState>;
}
