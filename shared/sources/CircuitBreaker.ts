import type { Clock } from '../time/Clock';
import type { BreakerError, BreakerState } from './BreakerState';
import type { BreakerStore } from './BreakerStore';
import type { ProviderError } from './ProviderError';

/** Options of a provider's circuit breaker. */
export interface CircuitBreakerOptions {
  /** Failed runs in a row that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker skips calls before one trial call is let through, ms on the app clock. */
  coolDownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: CircuitBreakerOptions = {
  failureThreshold: 3,
  coolDownMs: 10 * 60_000,
};

/** What a run may do: call normally, make the one trial call, or skip (the breaker is open). */
export type BreakerPermit = { kind: 'closed' } | { kind: 'trial' } | { kind: 'open'; state: BreakerState };

/** How often a write that lost an ETag race is retried on a fresh read. */
const WRITE_ATTEMPTS = 3;

/**
 * One provider's circuit breaker, persisted through a BreakerStore: closed -> open after `failureThreshold` failed
 * runs in a row; open -> half-open once `coolDownMs` has passed on the app clock, for one trial call (the instance
 * whose conditional write wins takes it); half-open -> closed when the trial succeeds, -> open again when it fails.
 * A success on a breaker already closed without failures writes nothing, so healthy reruns change no state.
 */
export class CircuitBreaker {
  private etag: string | undefined;
  private current: BreakerState | undefined;

  constructor(
    readonly source: string,
    private readonly store: BreakerStore,
    private readonly clock: Clock,
    private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  ) {}

  /** Whether this run may call the provider. */
  /** When the provider last failed a run, as the state read by acquire() says (kept after a recovery). */
  lastFailureAt(): Date | undefined {
    const at = this.current?.lastError?.at;
    return at === undefined || Number.isNaN(Date.parse(at)) ? undefined : new Date(at);
  }

  async acquire(): Promise<BreakerPermit> {
    const { state, etag } = await this.store.read(this.source);
    this.current = state;
    this.etag = etag;
    const now = this.clock.now();
    if (state.state === 'closed') return { kind: 'closed' };
    const due =
      state.state === 'open'
        ? Date.parse(state.retryAt ?? '') <= now.getTime() || state.retryAt === undefined
        : Date.parse(state.trialStartedAt ?? '') + this.options.coolDownMs <= now.getTime() ||
          state.trialStartedAt === undefined;
    if (!due) return { kind: 'open', state };
    const trial: BreakerState = {
      ...state,
      state: 'half-open',
      since: now.toISOString(),
      trialStartedAt: now.toISOString(),
    };
    delete trial.retryAt;
    if (!(await this.write(trial))) return { kind: 'open', state: this.current };
    return { kind: 'trial' };
  }

  /** The run (or the trial call) succeeded: closes the breaker and clears the failure count. */
  async recordSuccess(): Promise<void> {
    await this.update((s) => {
      if (s.state === 'closed' && s.consecutiveFailures === 0) return undefined;
      const next: BreakerState = {
        source: s.source,
        state: 'closed',
        since: s.state === 'closed' ? s.since : this.clock.now().toISOString(),
        consecutiveFailures: 0,
        lastError: s.lastError,
      };
      return next;
    });
  }

  /** The run failed on the provider: counts it, and opens the breaker at the threshold or when a trial failed. */
  async recordFailure(err: ProviderError): Promise<BreakerState> {
    const now = this.clock.now();
    const lastError: BreakerError = {
      code: err.code,
      message: (err.message.split('\n')[0] ?? '').slice(0, 300),
      at: now.toISOString(),
      ...(err.status !== undefined ? { status: err.status } : {}),
    };
    let written: BreakerState | undefined;
    await this.update((s) => {
      const failures = s.consecutiveFailures + 1;
      const opens = s.state === 'half-open' || s.state === 'open' || failures >= this.options.failureThreshold;
      const next: BreakerState = opens
        ? {
            source: s.source,
            state: 'open',
            since: s.state === 'open' ? s.since : now.toISOString(),
            consecutiveFailures: failures,
            lastError,
            retryAt: new Date(now.getTime() + this.options.coolDownMs).toISOString(),
          }
        : { source: s.source, state: 'closed', since: s.since, consecutiveFailures: failures, lastError };
      written = next;
      return next;
    });
    return written ?? (this.current as BreakerState);
  }

  /** Applies `change` to the current state and writes it conditionally, rereading after a lost race. */
  private async update(change: (s: BreakerState) => BreakerState | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (!this.current) {
        const read = await this.store.read(this.source);
        this.current = read.state;
        this.etag = read.etag;
      }
      const next = change(this.current);
      if (next === undefined || (await this.write(next))) return;
      this.current = undefined;
      if (attempt >= WRITE_ATTEMPTS) return;
    }
  }

  private async write(next: BreakerState): Promise<boolean> {
    const etag = await this.store.write(next, this.etag);
    if (etag === undefined) return false;
    this.current = next;
    this.etag = etag;
    return true;
  }
}
