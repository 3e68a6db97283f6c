import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../shared/time/Clock';
import type { AppRegistry, LoadedFunction } from './AppRegistry';
import { type HostLogSink, toHostLogLevel } from './hostLog';
import { triggerBindingOf } from './triggerBindingOf';
import type { WorkTracker } from './WorkTracker';
import type {
  CoreInvocationContext,
  FunctionCallback,
  HookData,
  ProgrammingModel,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcRetryContext,
  RpcTypedData,
} from './workerContract';

/** What a trigger hands over for one invocation, in the shapes the Functions host sends over RPC. */
export interface TriggerInput {
  /** The trigger binding's value (`inputData[0].data`). */
  data: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: RpcRetryContext;
  /** Why the function runs, for the "Executing" log line. */
  reason: string;
}

/** Emitted after every invocation. */
export interface InvocationEvent {
  functionName: string;
  invocationId: string;
  triggerType: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

/** The result of one invocation: the library's RPC response, or the error the function failed with. */
export interface InvocationOutcome extends InvocationEvent {
  response?: RpcInvocationResponse;
  cause?: Error;
}

/** What the invoker needs from the host. */
export interface FunctionInvokerDeps {
  model: ProgrammingModel;
  registry: AppRegistry;
  clock: Clock;
  log: HostLogSink;
  tracker: WorkTracker;
  appRoot: string;
  /** Shared by all hooks of the app, as the worker's `appHookData`. */
  appHookData: HookData;
  onInvocation(event: InvocationEvent): void;
}

/**
 * Invokes a function the way the Node.js worker does: through the programming model the library registered
 * (`getInvocationModel` -> `getArguments` -> pre hooks -> `invokeFunction` -> post hooks -> `getResponse`), so the
 * library's own converters build the HttpRequest, the camelCased timer object and the trigger metadata.
 */
export class FunctionInvoker {
  /** Set while log hooks run, so a hook that logs does not recurse. */
  #inLogHook = false;

  constructor(private readonly deps: FunctionInvokerDeps) {}

  async invoke(fn: LoadedFunction, input: TriggerInput): Promise<InvocationOutcome> {
    const { metadata } = fn;
    const name = metadata.name;
    const trigger = triggerBindingOf(metadata);
    const invocationId = randomUUID();
    const done = this.deps.tracker.begin();
    const started = performance.now();
    const logContext: { hookData: HookData; invocationContext: unknown } = {
      hookData: {},
      invocationContext: undefined,
    };
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: metadata.functionId ?? name,
        inputData: [{ name: trigger.name, data: input.data }],
        triggerMetadata: input.triggerMetadata ?? {},
        retryContext: input.retryContext ?? null,
      },
      metadata: {
        name,
        functionId: metadata.functionId ?? name,
        directory: this.deps.appRoot,
        scriptFile: 'n/a',
        bindings: metadata.bindings,
        rawBindings: Object.entries(metadata.bindings).map(([bindingName, b]) =>
          JSON.stringify({ ...b, name: bindingName }),
        ),
        retryOptions: metadata.retryOptions ?? null,
      },
      state: undefined,
      log: (level, category, message) => this.#log(level, category, message, name, invocationId, logContext),
    };
    this.#write(
      'information',
      'system',
      `Executing 'Functions.${name}' (Reason='${input.reason}', Id=${invocationId})`,
      name,
      invocationId,
    );

    let response: RpcInvocationResponse | undefined;
    let failure: Error | undefined;
    try {
      response = await this.#run(coreCtx, fn.callback, logContext);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    const durationMs = Math.round(performance.now() - started);
    done();

    if (failure === undefined) {
      this.#write(
        'information',
        'system',
        `Executed 'Functions.${name}' (Succeeded, Id=${invocationId}, Duration=${durationMs}ms)`,
        name,
        invocationId,
      );
    } else {
      const detail = failure.stack ?? failure.message;
      this.#write(
        'error',
        'system',
        `Executed 'Functions.${name}' (Failed, Id=${invocationId}, Duration=${durationMs}ms)\n${detail}`,
        name,
        invocationId,
      );
    }
    const event: InvocationEvent = {
      functionName: name,
      invocationId,
      triggerType: trigger.type,
      ok: failure === undefined,
      durationMs,
    };
    if (failure !== undefined) event.error = failure.message;
    try {
      this.deps.onInvocation(event);
    } catch (err) {
      this.#write('warning', 'system', `an 'invocation' listener threw: ${String(err)}`, name, invocationId);
    }
    return { ...event, response, cause: failure };
  }

  async #run(
    coreCtx: CoreInvocationContext,
    callback: FunctionCallback,
    logContext: { hookData: HookData; invocationContext: unknown },
  ): Promise<RpcInvocationResponse> {
    const { registry, appHookData } = this.deps;
    const invocationModel = await this.deps.model.getInvocationModel(coreCtx);
    const args = await invocationModel.getArguments();
    const context = args.context;
    logContext.invocationContext = context;
    const hookData = logContext.hookData;

    const pre = { hookData, appHookData, invocationContext: context, inputs: args.inputs, functionCallback: callback };
    coreCtx.state = 'preInvocationHooks';
    try {
      for (const hook of registry.hooks('preInvocation')) await hook(pre);
    } finally {
      coreCtx.state = undefined;
    }

    const post = {
      hookData,
      appHookData,
      invocationContext: context,
      inputs: pre.inputs,
      result: null as unknown,
      error: null as unknown,
    };
    coreCtx.state = 'invocation';
    try {
      post.result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
    } catch (err) {
      post.error = err;
    } finally {
      coreCtx.state = undefined;
    }

    coreCtx.state = 'postInvocationHooks';
    try {
      for (const hook of registry.hooks('postInvocation')) await hook(post);
    } finally {
      coreCtx.state = undefined;
    }
    if (post.error !== null && post.error !== undefined) throw post.error;
    return invocationModel.getResponse(context, post.result);
  }

  /** A log line from the library or the user: log hooks may rewrite it (as in the worker), then it is written. */
  #log(
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    functionName: string,
    invocationId: string,
    logContext: { hookData: HookData; invocationContext: unknown },
  ): void {
    const hooks = this.deps.registry.hooks('log');
    const entry = { level, message };
    if (hooks.length > 0 && !this.#inLogHook) {
      const hookContext = {
        get level() {
          return entry.level;
        },
        set level(value: RpcLogLevel) {
          entry.level = value;
        },
        get message() {
          return entry.message;
        },
        set message(value: string) {
          entry.message = value;
        },
        category,
        hookData: logContext.hookData,
        appHookData: this.deps.appHookData,
        invocationContext: logContext.invocationContext,
      };
      this.#inLogHook = true;
      try {
        for (const hook of hooks) void hook(hookContext);
      } catch (err) {
        this.#write('warning', 'system', `a log hook threw: ${String(err)}`, functionName, invocationId);
      } finally {
        this.#inLogHook = false;
      }
    }
    if (category === 'customMetric') return;
    this.#write(entry.level, category, entry.message, functionName, invocationId);
  }

  #write(
    level: RpcLogLevel,
    category: 'user' | 'system',
    message: string,
    functionName: string,
    invocationId: string,
  ): void {
    const hostLevel = toHostLogLevel(level);
    if (hostLevel === undefined) return;
    this.deps.log({ time: this.deps.clock.now(), level: hostLevel, category, functionName, invocationId, message });
  }
}
