import type { ChildProcess } from 'node:child_process';
import { stopChildProcess } from './stopChildProcess';

/** Anything a start script runs and must stop: the services from startAzurite/startCosmos, or a wrapped child. */
export interface ManagedService {
  readonly name: string;
  /** Lets the synchronous `exit` path signal the process when there is no time left to await stop(). */
  readonly pid?: number;
  stop(): Promise<void>;
}

/** Options for {@link ProcessGroup}. */
export interface ProcessGroupOptions {
  /** Stop everything on SIGINT/SIGTERM and then exit; SIGTERM everything left on `exit`. */
  handleSignals?: boolean;
  /** Where progress and stop failures are reported. */
  log?: (line: string) => void;
}

export const DEFAULT_PROCESS_GROUP_OPTIONS = {
  /** On: a start script must never leave Azurite or the Cosmos server behind. */
  handleSignals: true,
  /** stderr, so it does not mix with a script's stdout output. */
  log: (line: string): void => void process.stderr.write(`${line}\n`),
} as const;

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * Tracks what a script started and stops it in reverse order (the Functions host before the stores it uses),
 * on stopAll(), on SIGINT/SIGTERM, and, as far as a synchronous handler can, on process exit.
 * A second Ctrl+C while stopping kills what is left and exits at once.
 */
export class ProcessGroup {
  private readonly services: Array<{ service: ManagedService; stopped: boolean }> = [];
  private stopping: Promise<void> | undefined;
  private readonly log: (line: string) => void;
  private readonly signalHandlers = new Map<HandledSignal, () => void>();
  private readonly onExit = (): void => this.killRemaining('SIGTERM');

  constructor(options: ProcessGroupOptions = {}) {
    this.log = options.log ?? DEFAULT_PROCESS_GROUP_OPTIONS.log;
    if (options.handleSignals ?? DEFAULT_PROCESS_GROUP_OPTIONS.handleSignals) {
      for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) {
        const handler = (): void => this.onSignal(signal);
        this.signalHandlers.set(signal, handler);
        process.on(signal, handler);
      }
      process.on('exit', this.onExit);
    }
  }

  /** Tracks `service` and returns it; if the group is already stopping, stops it at once. */
  add<T extends ManagedService>(service: T): T {
    this.services.push({ service, stopped: false });
    if (this.stopping) void this.stopOne(this.services[this.services.length - 1]!);
    return service;
  }

  /** Tracks a raw child process: stop() is SIGTERM, then SIGKILL after `stopTimeoutMs`. */
  addProcess(name: string, child: ChildProcess, stopTimeoutMs = 5_000): ManagedService {
    let stopping: Promise<void> | undefined;
    return this.add({
      name,
      pid: child.pid,
      stop: () => (stopping ??= stopChildProcess(child, { timeoutMs: stopTimeoutMs }).then(() => undefined)),
    });
  }

  /**
   * Stops everything, newest first, and removes the signal handlers. Every service is attempted;
   * if any failed, rejects with an AggregateError of their errors. Calling it again returns the same promise.
   */
  stopAll(): Promise<void> {
    this.stopping ??= this.stopInReverse();
    return this.stopping;
  }

  private async stopInReverse(): Promise<void> {
    const errors: unknown[] = [];
    for (const entry of [...this.services].reverse()) {
      try {
        await this.stopOne(entry);
      } catch (err) {
        errors.push(err);
        this.log(`stopping ${entry.service.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.removeHandlers();
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} service(s) did not stop cleanly`);
  }

  private async stopOne(entry: { service: ManagedService; stopped: boolean }): Promise<void> {
    await entry.service.stop();
    entry.stopped = true;
  }

  private onSignal(signal: HandledSignal): void {
    if (this.stopping) {
      this.log(`${signal} again: killing what is left`);
      this.killRemaining('SIGKILL');
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    this.log(`${signal}: stopping ${this.services.length} service(s)`);
    this.stopAll()
      .catch(() => undefined) // already logged per service
      .finally(() => {
        // Exit only when no other listener (another group, the app) still has work to finish on this signal.
        if (process.listenerCount(signal) === 0) process.exit(SIGNAL_EXIT_CODES[signal]);
      });
  }

  /** Synchronous best effort for `exit` and a forced second signal: signal every process not known stopped. */
  private killRemaining(signal: NodeJS.Signals): void {
    for (const entry of this.services) {
      if (entry.stopped || entry.service.pid === undefined || entry.service.pid <= 0) continue;
      try {
        process.kill(entry.service.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  private removeHandlers(): void {
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
    this.signalHandlers.clear();
    process.off('exit', this.onExit);
  }
}
