/** closed: calls go through; open: calls are skipped; half-open: one trial call is under way. */
export type BreakerStateName = 'closed' | 'open' | 'half-open';

/** The last failure a breaker counted. */
export interface BreakerError {
  code: string;
  /** One line, at most 300 characters, without secrets. */
  message: string;
  at: string;
  status?: number;
}

/** A provider's circuit breaker as stored in `state/breakers/<source>.json` and shown by /api/health. */
export interface BreakerState {
  source: string;
  state: BreakerStateName;
  /** When it entered this state (null: never left the initial closed state). */
  since: string | null;
  /** Failed runs in a row (0 after a success). */
  consecutiveFailures: number;
  /** The last failure counted, kept after a recovery so an operator can see what it was. */
  lastError: BreakerError | null;
  /** open: when the next trial call may be made. */
  retryAt?: string;
  /** half-open: when the trial began (a trial older than the cool-down is taken to have died with its instance). */
  trialStartedAt?: string;
}

/** The state of a breaker that has never been written. */
export function initialBreakerState(source: string): BreakerState {
  return { source, state: 'closed', since: null, consecutiveFailures: 0, lastError: null };
}
