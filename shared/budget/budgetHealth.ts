import type { RunStatus } from '../storage/StatusStore';
import type { BudgetState } from './BudgetState';
import type { CostWatchDetails } from './watchBudget';

/** The `budget` section of /api/health: what cost-watch last learned. It never decides whether the system can forecast. */
export interface BudgetHealth {
  /**
   * ok: read, no alert crossed; alerting: a notification threshold is crossed; over-budget: actual spend reached the
   * amount; not-configured: no BUDGET_SCOPE (local stack); error: the last read failed; unknown: cost-watch never ran.
   */
  state: 'ok' | 'alerting' | 'over-budget' | 'not-configured' | 'error' | 'unknown';
  /** When cost-watch last ran, and its one-line summary. */
  checkedAt: string | null;
  summary: string | null;
  /** The last budget read (from an earlier run when `stale`). */
  budget: BudgetState | null;
  stale: boolean;
  error: { code: string; message: string; retryable: boolean } | null;
}

/** The health section from cost-watch's status record (`StatusStore.read(COST_WATCH_STATUS)`). */
export function budgetHealth(status: RunStatus | undefined): BudgetHealth {
  if (!status)
    return {
      state: 'unknown',
      checkedAt: null,
      summary: 'cost-watch has not run yet',
      budget: null,
      stale: false,
      error: null,
    };
  const d = (status.details ?? {}) as Partial<CostWatchDetails>;
  const budget = d.budget ?? null;
  const base = { checkedAt: status.at, summary: status.summary, budget, stale: d.stale ?? false };
  if (d.outcome === 'not-configured') return { ...base, state: 'not-configured', error: null };
  if (!status.ok || d.error) {
    const e = d.error;
    return {
      ...base,
      state: 'error',
      error: {
        code: e?.code ?? 'BUDGET_UNAVAILABLE',
        message: e?.message ?? status.summary,
        retryable: e?.retryable ?? false,
      },
    };
  }
  const state = budget?.level === 'over-budget' ? 'over-budget' : budget?.level === 'alerting' ? 'alerting' : 'ok';
  return { ...base, state, error: null };
}
