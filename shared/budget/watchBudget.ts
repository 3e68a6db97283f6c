import type { RunStatus, StatusStore } from '../storage/StatusStore';
import type { Clock } from '../time/Clock';
import { BudgetError, type BudgetErrorCode, BudgetUnavailableError } from './BudgetError';
import type { BudgetReader } from './BudgetReader';
import type { BudgetSettings } from './BudgetSettings';
import type { BudgetState } from './BudgetState';
import { describeBudget } from './describeBudget';
import { redactSecrets } from './redactSecrets';

/** The status record cost-watch writes (`state/status/cost-watch.json`) and /api/health reads. */
export const COST_WATCH_STATUS = 'cost-watch';

export interface CostWatchDeps {
  /** Which budget to read; undefined when none is configured. May throw BudgetConfigError. */
  settings(): BudgetSettings | undefined;
  budgets: BudgetReader;
  status: Pick<StatusStore, 'record' | 'read'>;
  clock: Clock;
}

/** What one cost-watch run found, as recorded in the status record's `details`. */
export type CostWatchOutcome =
  | { outcome: 'read'; summary: string; budget: BudgetState }
  | { outcome: 'not-configured'; summary: string }
  | { outcome: BudgetErrorCode; summary: string; error: BudgetError; lastKnown: BudgetState | null };

/** The details of a cost-watch status record. */
export interface CostWatchDetails {
  outcome: CostWatchOutcome['outcome'];
  /** The budget as read by this run, or the last one read when this run failed. */
  budget: BudgetState | null;
  /** True when `budget` is from an earlier run. */
  stale: boolean;
  error?: { code: BudgetErrorCode; message: string; retryable: boolean; retryAfterMs?: number; status?: number };
}

/**
 * Reads the configured budget and records what happened. Never throws for a failed read: the failure is the
 * outcome (the caller decides what to rethrow). Throws only when a successful read cannot be stored.
 */
export async function watchBudget(deps: CostWatchDeps): Promise<CostWatchOutcome> {
  const at = deps.clock.now().toISOString();
  let settings: BudgetSettings | undefined;
  let outcome: CostWatchOutcome;
  try {
    settings = deps.settings();
    if (!settings) {
      outcome = {
        outcome: 'not-configured',
        summary:
          'not configured: app setting "BUDGET_SCOPE" is not set, so there is no budget to read (expected on the local stack)',
      };
      await deps.status.record(COST_WATCH_STATUS, {
        at,
        ok: true,
        summary: outcome.summary,
        details: details(outcome),
      });
      return outcome;
    }
    const budget = await deps.budgets.read(settings.scope, settings.budgetName);
    outcome = { outcome: 'read', summary: describeBudget(budget), budget };
  } catch (err) {
    const error =
      err instanceof BudgetError
        ? err
        : new BudgetUnavailableError(
            `reading the budget failed: ${redactSecrets(err instanceof Error ? err.message : String(err))}`,
            undefined,
            err,
          );
    const lastKnown = await lastKnownBudget(deps, settings);
    outcome = { outcome: error.code, summary: `${error.code}: ${error.message}`, error, lastKnown };
    // The record is a report; the outcome (and the log line the handler writes) must survive a storage hiccup.
    await deps.status
      .record(COST_WATCH_STATUS, { at, ok: false, summary: outcome.summary, details: details(outcome) })
      .catch(() => undefined);
    return outcome;
  }
  await deps.status.record(COST_WATCH_STATUS, { at, ok: true, summary: outcome.summary, details: details(outcome) });
  return outcome;
}

function details(outcome: CostWatchOutcome): Record<string, unknown> {
  const d: CostWatchDetails =
    outcome.outcome === 'read'
      ? { outcome: 'read', budget: outcome.budget, stale: false }
      : outcome.outcome === 'not-configured'
        ? { outcome: 'not-configured', budget: null, stale: false }
        : {
            outcome: outcome.outcome,
            budget: outcome.lastKnown,
            stale: outcome.lastKnown !== null,
            error: {
              code: outcome.error.code,
              message: outcome.error.message,
              retryable: outcome.error.canRetry(),
              ...(outcome.error.retryAfter() !== undefined ? { retryAfterMs: outcome.error.retryAfter() } : {}),
              ...(outcome.error.status !== undefined ? { status: outcome.error.status } : {}),
            },
          };
  return { ...d };
}

/** The budget of the previous record, if it was of the same budget: health keeps showing the last known spend. */
async function lastKnownBudget(deps: CostWatchDeps, settings: BudgetSettings | undefined): Promise<BudgetState | null> {
  if (!settings) return null;
  const previous: RunStatus | undefined = await deps.status.read(COST_WATCH_STATUS).catch(() => undefined);
  const budget = (previous?.details as Partial<CostWatchDetails> | undefined)?.budget;
  if (!budget || budget.name !== settings.budgetName || budget.scope.toLowerCase() !== settings.scope.toLowerCase())
    return null;
  return budget;
}
