import { EventEmitter, setMaxListeners } from 'node:events';
import path from 'node:path';
import { AppRegistry, type LoadedFunction } from './AppRegistry';
import { BlobTriggerListener } from './BlobTriggerListener';
import { sleepReal } from './clockSleep';
import { ConcurrencyLimiter } from './ConcurrencyLimiter';
import { installCoreApiShim } from './coreApiShim';
import { FunctionInvoker, type InvocationEvent } from './FunctionInvoker';
import { HostError } from './HostError';
import { consoleLogSink, type HostLogEntry, type HostLogSink, toHostLogLevel } from './hostLog';
import { DEFAULT_HOST_OPTIONS, type HostOptions } from './HostOptions';
import { HttpFront, type HttpRoute } from './HttpFront';
import { loadApp } from './loadApp';
import { type PlanContext, planFunction } from './planFunction';
import { readHostJson } from './readHostJson';
import type { RegisteredFunctionInfo } from './RegisteredFunctionInfo';
import { QueueTriggerListener } from './QueueTriggerListener';
import { TimerScheduler } from './TimerScheduler';
import { WorkTracker } from './WorkTracker';
import type { HookData, ProgrammingModel } from './workerContract';

/** How long a queue message being run stays hidden: host.json's functionTimeout. */
const QUEUE_LEASE_MS = 5 * 60_000;

/** How long stop() waits for running invocations before giving up on them. */
const STOP_GRACE_MS = 30_000;

/**
 * A local Azure Functions host: loads the app from its package.json `main` as the worker does, captures the
 * registrations of `@azure/functions`, and drives timers (on the given clock), blob triggers (from Azurite),
 * queue triggers (from Azurite's queue service) and HTTP routes through the library's own programming model.
 */
export class FunctionsHost {
  readonly functions: RegisteredFunctionInfo[];
  #httpUrl = '';
  readonly #events = new EventEmitter();
  readonly #abort = new AbortController();
  readonly #tracker = new WorkTracker();
  readonly #appHookData: HookData = {};
  /** `hookData` shared by the appStart and appTerminate hooks only, as in the worker. */
  readonly #appLevelHookData: HookData = {};
  readonly #schedulers = new Map<string, TimerScheduler>();
  readonly #listeners: (BlobTriggerListener | QueueTriggerListener)[] = [];
  readonly #loops: Promise<void>[] = [];
  readonly #invoker: FunctionInvoker;
  readonly #http: HttpFront;
  #stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: HostOptions,
    private readonly appRoot: string,
    private readonly registry: AppRegistry,
    model: ProgrammingModel,
    private readonly log: HostLogSink,
    packageName: string | undefined,
  ) {
    // Every blob request in flight listens to the host's stop signal: a backlog of pictures adds many at once.
    setMaxListeners(0, this.#abort.signal);
    const settings = options.settings ?? process.env;
    this.#invoker = new FunctionInvoker({
      model,
      registry,
      clock: options.clock,
      log,
      tracker: this.#tracker,
      appRoot,
      appHookData: this.#appHookData,
      onInvocation: (event) => this.#events.emit('invocation', event),
    });
    const invoke = this.#invoker.invoke.bind(this.#invoker);
    const limiter = new ConcurrencyLimiter(options.blobConcurrency ?? DEFAULT_HOST_OPTIONS.blobConcurrency);
    const context: PlanContext = {
      settings,
      timeZone: timeZoneOf(settings),
      hostId: hostIdOf(
        options.hostId ?? settings['AzureFunctionsWebHost__hostid'] ?? packageName ?? path.basename(appRoot),
      ),
      receiptStores: new Map(),
    };
    const routes: HttpRoute[] = [];
    const hostJson = readHostJson(appRoot);
    this.functions = [];
    for (const fn of registry.functions) {
      const name = fn.metadata.name;
      const plan = planFunction(fn, context);
      for (const warning of plan.warnings) this.#hostLog('warning', `'${name}': ${warning}`, name);
      this.functions.push(plan.info);
      if (plan.http !== undefined) routes.push(plan.http);
      if (plan.timer !== undefined) {
        this.#schedulers.set(
          name.toLowerCase(),
          new TimerScheduler(fn, plan.timer, {
            clock: options.clock,
            invoke,
            info: (message) => this.#hostLog('information', message, name),
            debug: (message) => this.#hostLog('debug', message, name),
          }),
        );
      }
      if (plan.blob !== undefined) {
        this.#listeners.push(
          new BlobTriggerListener(fn, plan.blob.pattern, plan.blob.service, plan.blob.receipts, {
            clock: options.clock,
            invoke,
            limiter,
            tracker: this.#tracker,
            log: (level, message) => this.#hostLog(level, message, name),
            pollIntervalMs: options.blobPollIntervalMs ?? DEFAULT_HOST_OPTIONS.blobPollIntervalMs,
            maxAttempts: options.blobMaxAttempts ?? DEFAULT_HOST_OPTIONS.blobMaxAttempts,
            retryBaseDelayMs: options.blobRetryDelayMs ?? DEFAULT_HOST_OPTIONS.blobRetryDelayMs,
          }),
        );
      }
      if (plan.queue !== undefined) {
        this.#listeners.push(
          new QueueTriggerListener(fn, plan.queue.name, plan.queue.service, {
            clock: options.clock,
            invoke,
            tracker: this.#tracker,
            log: (level, message) => this.#hostLog(level, message, name),
            pollIntervalMs: options.queuePollIntervalMs ?? DEFAULT_HOST_OPTIONS.queuePollIntervalMs,
            batchSize: options.queueBatchSize ?? hostJson.queues.batchSize ?? DEFAULT_HOST_OPTIONS.queueBatchSize,
            maxDequeueCount:
              options.queueMaxDequeueCount ??
              hostJson.queues.maxDequeueCount ??
              DEFAULT_HOST_OPTIONS.queueMaxDequeueCount,
            retryDelayMs: options.queueRetryDelayMs ?? DEFAULT_HOST_OPTIONS.queueRetryDelayMs,
            // host.json's functionTimeout (5 min) bounds a run; the message stays hidden that long.
            leaseMs: QUEUE_LEASE_MS,
          }),
        );
      }
    }

    this.#http = new HttpFront(routes, hostJson.routePrefix, {
      invoke,
      warn: (message) => this.#hostLog('warning', message),
    });
  }

  /** Loads the app, validates every trigger, runs app-start hooks and starts the timers, blob listeners and HTTP. */
  static async start(options: HostOptions): Promise<FunctionsHost> {
    const appRoot = path.resolve(options.appRoot);
    const log = options.log ?? consoleLogSink();
    const shim = installCoreApiShim();
    const registry = new AppRegistry((level, category, message) => {
      const hostLevel = toHostLogLevel(level);
      if (hostLevel !== undefined && category !== 'customMetric')
        log({ time: options.clock.now(), level: hostLevel, category, message });
    });
    const app = loadApp(appRoot, shim, registry);
    if (registry.functions.length === 0) {
      throw new HostError(
        'NO_FUNCTIONS',
        `no functions registered by ${app.files.length} file(s) of ${appRoot}; if "@azure/functions" printed "test mode", it was used before the host started`,
      );
    }
    const model = shim.programmingModel;
    if (model === undefined)
      throw new HostError(
        'APP_LOAD_FAILED',
        '@azure/functions registered functions without setting its programming model',
      );
    // As the worker does at start-up: this also locks app.setup().
    const capabilities = (await model.getCapabilities?.({})) ?? {};
    if (capabilities['HttpUri'] !== undefined) {
      throw new HostError(
        'UNSUPPORTED',
        'HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by the local host',
      );
    }
    const host = new FunctionsHost(options, appRoot, registry, model, log, app.packageName);
    await host.#begin();
    return host;
  }

  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:7071`. */
  get httpUrl(): string {
    return this.#httpUrl;
  }

  /** `extensions.http.routePrefix` of host.json (default `api`). */
  get routePrefix(): string {
    return this.#http.routePrefix;
  }

  on(event: 'invocation', listener: (e: InvocationEvent) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  off(event: 'invocation', listener: (e: InvocationEvent) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Runs a timer function now (after any run in progress); rejects if it fails. For tests and tools. */
  async runTimer(name: string): Promise<void> {
    const scheduler = this.#schedulers.get(name.toLowerCase());
    if (scheduler === undefined) throw new HostError('UNKNOWN_FUNCTION', `no timer function named '${name}'`);
    const outcome = await scheduler.runNow(this.#abort.signal);
    if (!outcome.ok) {
      throw new HostError(
        'INVOCATION_FAILED',
        `'${scheduler.fn.metadata.name}' failed: ${outcome.error ?? 'unknown error'}`,
        { cause: outcome.cause },
      );
    }
  }

  /** Resolves when no invocation is running or queued (blobs not yet listed are not counted). */
  idle(): Promise<void> {
    return this.#tracker.idle();
  }

  /** Stops triggering, lets running invocations finish (up to 30 s), then runs app-terminate hooks. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #begin(): Promise<void> {
    await this.#runHooks('appStart', {
      hookData: this.#appLevelHookData,
      appHookData: this.#appHookData,
      functionAppDirectory: this.appRoot,
    });
    const port = this.options.httpPort ?? DEFAULT_HOST_OPTIONS.httpPort;
    const host = this.options.httpHost ?? DEFAULT_HOST_OPTIONS.httpHost;
    this.#httpUrl = await this.#http.listen(port, host);
    const signal = this.#abort.signal;
    for (const scheduler of this.#schedulers.values())
      this.#loops.push(this.#guard(scheduler.run(signal), scheduler.fn));
    for (const listener of this.#listeners) this.#loops.push(this.#guard(listener.run(signal), listener.fn));
  }

  async #stop(): Promise<void> {
    this.#abort.abort();
    const grace = new AbortController();
    const drained = (async () => {
      await Promise.all([this.#http.close(), ...this.#loops]);
      await this.#tracker.idle();
    })();
    const finished = await Promise.race([
      drained.then(() => true),
      sleepReal(STOP_GRACE_MS, grace.signal).then(() => false),
    ]);
    grace.abort();
    if (!finished)
      this.#hostLog(
        'warning',
        `stopped with ${this.#tracker.pending} invocation(s) still running after ${STOP_GRACE_MS / 1000}s`,
      );
    await this.#runHooks('appTerminate', { hookData: this.#appLevelHookData, appHookData: this.#appHookData });
  }

  /** A trigger loop must never take the host down; if one dies, say so. */
  #guard(loop: Promise<void>, fn: LoadedFunction): Promise<void> {
    return loop.catch((err: unknown) =>
      this.#hostLog('error', `the trigger of '${fn.metadata.name}' stopped: ${String(err)}`),
    );
  }

  async #runHooks(name: 'appStart' | 'appTerminate', context: object): Promise<void> {
    for (const hook of this.registry.hooks(name)) {
      try {
        await hook(context);
      } catch (err) {
        this.#hostLog('error', `${name} hook failed: ${err instanceof Error ? err.message : String(err)}`);
        if (name === 'appStart') throw err;
      }
    }
  }

  #hostLog(level: HostLogEntry['level'], message: string, functionName?: string): void {
    this.log({ time: this.options.clock.now(), level, category: 'system', functionName, message });
  }
}

/** Azure reads schedules in UTC unless WEBSITE_TIME_ZONE names a zone (an IANA name on Linux). */
function timeZoneOf(settings: Readonly<Record<string, string | undefined>>): string {
  const zone = settings['WEBSITE_TIME_ZONE'];
  if (zone === undefined || zone === '') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new HostError('BAD_SCHEDULE', `setting WEBSITE_TIME_ZONE "${zone}" is not an IANA time zone`);
  }
  return zone;
}

/** A host id as Azure shapes them: lower-case letters, digits and single dashes, at most 32 characters. */
function hostIdOf(base: string): string {
  const id = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 32)
    .replace(/-$/, '');
  if (id === '') throw new HostError('BAD_BINDING', `host id "${base}" has no usable characters`);
  return id;
}
