import { app, type InvocationContext, type Timer } from '@azure/functions';
import { budgetErrorHint } from '../shared/budget/budgetErrorHint';
import { createCostWatchDeps } from '../shared/budget/createCostWatchDeps';
import { describeBudget } from '../shared/budget/describeBudget';
import { type CostWatchDeps, type CostWatchOutcome, watchBudget } from '../shared/budget/watchBudget';
import { appServices } from '../shared/runtime/appServices';
import { retryDecisionOf } from '../shared/util/retryDecisionOf';
import { DAILY_TIMER_RETRY } from './dailyTimerRetry';
import { logFailure } from './logFailure';

/** The handler of `cost-watch`: reads the budget's actual and forecast spend and records it for /api/health. */
export function makeCostWatchHandler(deps: () => CostWatchDeps) {
  return async (timer: Timer, context: InvocationContext): Promise<CostWatchOutcome> => {
    const pastDue = timer.isPastDue ? ' [past due]' : '';
    let outcome: CostWatchOutcome;
    try {
      outcome = await watchBudget(deps());
    } catch (err) {
      // Only building the services or storing a successful read can fail here; the platform retries that.
      throw logFailure(context, 'cost-watch', err);
    }
    switch (outcome.outcome) {
      case 'read': {
        const line = `cost-watch: ${describeBudget(outcome.budget)}${pastDue}`;
        if (outcome.budget.level === 'under') context.log(line);
        else context.warn(line);
        return outcome;
      }
      case 'not-configured':
        context.log(`cost-watch: ${outcome.summary}${pastDue}`);
        return outcome;
      default: {
        const { error } = outcome;
        // Throttling and outages pass with time: rethrow so the platform counts a failed run and can retry.
        if (retryDecisionOf(error).retryable) throw logFailure(context, 'cost-watch', error);
        const hint = budgetErrorHint(error.code);
        context.error(
          `cost-watch ${error.code} (recorded, not retried): ${error.message}${hint ? `; ${hint}` : ''}${pastDue}`,
        );
        return outcome;
      }
    }
  };
}

// A daily timer: building the client per run costs nothing worth caching, and keeps no state between runs.
// The retry policy is what makes a rethrown BUDGET_THROTTLED/BUDGET_UNAVAILABLE come back within the day.
app.timer('cost-watch', {
  schedule: '%COST_WATCH_SCHEDULE%',
  retry: DAILY_TIMER_RETRY,
  handler: makeCostWatchHandler(() => createCostWatchDeps(appServices())),
});
