import type { Clock } from '../../shared/time/Clock';
import type { LoadedFunction } from './AppRegistry';
import { sleepUntil } from './clockSleep';
import type { InvocationOutcome, TriggerInput } from './FunctionInvoker';
import { retryDelayMs } from './retryDelayMs';
import type { TimerSchedule } from './TimerSchedule';

/** `default(DateTime)`, which the Azure host sends as `Last` before a timer has ever run. */
const NEVER = '0001-01-01T00:00:00';

interface ScheduleStatus {
  last: string;
  next: Date;
  lastUpdated: string;
}

/** What a scheduler needs from the host. */
export interface TimerSchedulerDeps {
  clock: Clock;
  invoke(fn: LoadedFunction, input: TriggerInput): Promise<InvocationOutcome>;
  info(message: string): void;
  debug(message: string): void;
}

/**
 * Fires one timer function on its schedule, like the Azure timer listener: never two runs at once (a singleton),
 * `ScheduleStatus` as the host sends it, and when the host fell behind by more than one occurrence a single
 * run with `IsPastDue = true`, after which the schedule continues from the next future occurrence.
 */
export class TimerScheduler {
  #status: ScheduleStatus | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly fn: LoadedFunction,
    readonly schedule: TimerSchedule,
    private readonly deps: TimerSchedulerDeps,
  ) {}

  /** Runs the schedule until `signal` aborts; resolves when the loop has ended. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock } = this.deps;
    const now = clock.now();
    this.#status = { last: NEVER, next: this.schedule.nextAfter(now), lastUpdated: NEVER };
    const upcoming = this.schedule.nextOccurrences(now, 5).map((t) => t.toISOString());
    this.deps.debug(
      `The next 5 occurrences of '${this.fn.metadata.name}' (Cron: '${this.schedule.expression}') will be:\n  ${upcoming.join('\n  ')}`,
    );
    while (!signal.aborted) {
      const status = this.#status;
      await sleepUntil(clock, status.next, signal);
      if (signal.aborted) break;
      await this.#exclusive(async () => {
        const firedAt = clock.now();
        const isPastDue = this.schedule.nextAfter(status.next).getTime() <= firedAt.getTime();
        const reason = isPastDue
          ? `Timer is past due, fired at ${firedAt.toISOString()}`
          : `Timer fired at ${firedAt.toISOString()}`;
        await this.#invokeWithRetries(status, isPastDue, reason, signal);
        const last = firedAt.toISOString();
        this.#status = { last, next: this.schedule.nextAfter(firedAt), lastUpdated: last };
      });
    }
  }

  /** Runs the function now (outside the schedule, which it leaves unchanged), after any run in progress. */
  runNow(signal: AbortSignal): Promise<InvocationOutcome> {
    return this.#exclusive(() => {
      const now = this.deps.clock.now();
      const status = this.#status ?? { last: NEVER, next: this.schedule.nextAfter(now), lastUpdated: NEVER };
      return this.#invokeWithRetries(status, false, `Manually triggered at ${now.toISOString()}`, signal);
    });
  }

  /** Chains `task` after the previous one, so runs of this function never overlap. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #invokeWithRetries(
    status: ScheduleStatus,
    isPastDue: boolean,
    reason: string,
    signal: AbortSignal,
  ): Promise<InvocationOutcome> {
    const data = {
      json: JSON.stringify({
        Schedule: { AdjustForDST: true },
        ScheduleStatus: { Last: status.last, Next: status.next.toISOString(), LastUpdated: status.lastUpdated },
        IsPastDue: isPastDue,
      }),
    };
    const retry = this.fn.metadata.retryOptions;
    const maxRetryCount = retry?.maxRetryCount ?? 0;
    let previous: Error | undefined;
    for (let retryCount = 0; ; retryCount += 1) {
      const exception =
        previous === undefined ? null : { message: previous.message, stackTrace: previous.stack ?? null };
      const outcome = await this.deps.invoke(this.fn, {
        data,
        reason: retryCount === 0 ? reason : `${reason}, retry ${retryCount}`,
        retryContext: retry === undefined ? undefined : { retryCount, maxRetryCount, exception },
      });
      if (outcome.ok || retry === undefined || signal.aborted) return outcome;
      previous = outcome.cause;
      if (maxRetryCount !== -1 && retryCount >= maxRetryCount) return outcome;
      const delay = retryDelayMs(retry, retryCount + 1);
      this.deps.info(`'${this.fn.metadata.name}' failed; retry ${retryCount + 1} in ${delay / 1000}s`);
      await sleepUntil(this.deps.clock, new Date(this.deps.clock.now().getTime() + delay), signal);
    }
  }
}
