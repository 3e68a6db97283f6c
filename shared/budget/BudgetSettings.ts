import { BudgetConfigError } from './BudgetError';
import { normalizeBudgetScope } from './normalizeBudgetScope';

/** Which budget cost-watch reads, from the app settings the infrastructure sets. */
export interface BudgetSettings {
  /** `BUDGET_SCOPE`: where the budget is declared, e.g. `/subscriptions/<id>/resourceGroups/<rg>`. */
  scope: string;
  /** `BUDGET_NAME`: the budget's name at that scope. */
  budgetName: string;
}

/** Budget names the Consumption API accepts (letters, digits, `-` and `_`). */
const BUDGET_NAME = /^[A-Za-z0-9_-]{1,63}$/;

/**
 * The budget settings, or undefined when `BUDGET_SCOPE` is not set (the local stack has no budget to read).
 * Throws BudgetConfigError, naming the setting, when they are set but unusable.
 */
export function readBudgetSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): BudgetSettings | undefined {
  const scope = env['BUDGET_SCOPE']?.trim();
  if (!scope) return undefined;
  try {
    normalizeBudgetScope(scope);
  } catch (err) {
    throw new BudgetConfigError(`app setting "BUDGET_SCOPE": ${(err as Error).message}`);
  }
  const budgetName = env['BUDGET_NAME']?.trim();
  if (!budgetName)
    throw new BudgetConfigError(
      'app setting "BUDGET_NAME" is required when "BUDGET_SCOPE" is set (the name of the budget at that scope)',
    );
  if (!BUDGET_NAME.test(budgetName)) {
    throw new BudgetConfigError(
      `app setting "BUDGET_NAME" is ${JSON.stringify(budgetName.slice(0, 80))}; expected 1-63 letters, digits, "-" or "_"`,
    );
  }
  return { scope: `/${normalizeBudgetScope(scope)}`, budgetName };
}
