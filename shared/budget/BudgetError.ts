import type { RetryDecision } from '../util/RetryDecision';

/** The stable codes of a failed budget read, as logged and recorded by cost-watch. */
export type BudgetErrorCode =
  'BUDGET_AUTH' | 'BUDGET_NOT_FOUND' | 'BUDGET_THROTTLED' | 'BUDGET_UNAVAILABLE' | 'BUDGET_CONFIG';

/** A budget could not be read. Each subclass has a stable code and says whether a retry can help. */
export abstract class BudgetError extends Error implements RetryDecision {
  abstract readonly code: BudgetErrorCode;

  constructor(
    message: string,
    /** HTTP status of the Consumption API's answer, when it answered. */
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  canRetry(): boolean {
    return false;
  }

  /** How long to wait before retrying, in milliseconds, when the service said so. */
  retryAfter(): number | undefined {
    return undefined;
  }
}

/** The credential could not get a token, or the token was refused (expired, wrong tenant, missing role). */
export class BudgetAuthError extends BudgetError {
  readonly code = 'BUDGET_AUTH';
}

/** No budget of that name at that scope. */
export class BudgetNotFoundError extends BudgetError {
  readonly code = 'BUDGET_NOT_FOUND';
  constructor(
    readonly scope: string,
    readonly budgetName: string,
    detail: string,
    status?: number,
    cause?: unknown,
  ) {
    super(`budget "${budgetName}" not found at scope "${scope}"${detail ? `: ${detail}` : ''}`, status, cause);
  }
}

/** The Consumption API throttled the read (HTTP 429). Retryable after `retryAfter()`. */
export class BudgetThrottledError extends BudgetError {
  readonly code = 'BUDGET_THROTTLED';
  constructor(
    message: string,
    private readonly retryAfterMs: number | undefined,
    status = 429,
    cause?: unknown,
  ) {
    super(message, status, cause);
  }

  override canRetry(): boolean {
    return true;
  }

  override retryAfter(): number | undefined {
    return this.retryAfterMs;
  }
}

/** The Consumption API could not be reached or failed. Retryable unless it refused the request itself (4xx). */
export class BudgetUnavailableError extends BudgetError {
  readonly code = 'BUDGET_UNAVAILABLE';

  override canRetry(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 408;
  }
}

/** The budget settings of the app are incomplete or malformed; retrying cannot help until they are fixed. */
export class BudgetConfigError extends BudgetError {
  readonly code = 'BUDGET_CONFIG';
}
