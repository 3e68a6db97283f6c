import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { StatusStore } from '../storage/StatusStore';
import type { Clock } from '../time/Clock';
import { readBudgetSettings } from './BudgetSettings';
import { ConsumptionBudgetReader, type ConsumptionBudgetReaderOptions } from './ConsumptionBudgetReader';
import type { CostWatchDeps } from './watchBudget';

/**
 * cost-watch's dependencies in Azure: the budget named by the app settings `BUDGET_SCOPE` and `BUDGET_NAME`, read
 * through the Consumption API with the app's identity (`DefaultAzureCredential`), recorded in the app's status store.
 */
export function createCostWatchDeps(
  services: { status: Pick<StatusStore, 'record' | 'read'>; clock: Clock },
  env: Readonly<Record<string, string | undefined>> = process.env,
  credential: TokenCredential = new DefaultAzureCredential(),
  /** Reader options beyond the defaults (tests: a local endpoint and its HTTPS agent). */
  readerOptions: Partial<ConsumptionBudgetReaderOptions> = {},
): CostWatchDeps {
  return {
    settings: () => readBudgetSettings(env),
    budgets: new ConsumptionBudgetReader(credential, { clock: services.clock, ...readerOptions }),
    status: services.status,
    clock: services.clock,
  };
}
