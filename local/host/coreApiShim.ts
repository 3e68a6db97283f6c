import Module from 'node:module';
import { HostError } from './HostError';
import type {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './workerContract';

/** Receives what one app registers while its files load. */
export interface RegistrationSink {
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): void;
  registerHook(name: HookName, callback: HookCallback): Disposable;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

const MODULE_NAME = '@azure/functions-core';
const HOOK_NAMES: readonly string[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];

class CallbackDisposable implements Disposable {
  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  static from(...likes: { dispose(): unknown }[]): CallbackDisposable {
    return new CallbackDisposable(() => likes.forEach((d) => d.dispose()));
  }

  dispose(): void {
    const callback = this.#callOnDispose;
    this.#callOnDispose = undefined;
    callback?.();
  }
}

/**
 * Stands in for the module the Azure Node.js worker injects. `@azure/functions` requires it once and caches it
 * (as it caches its programming model), so there is one per process; it routes registrations to the app being
 * loaded, which lets several hosts live in one process as long as each loads its files fresh.
 */
export class CoreApiShim {
  readonly version = '4.0.0-local';
  readonly hostVersion = '4.0.0-local';
  readonly Disposable = CallbackDisposable;
  #loading: RegistrationSink | undefined;
  #lastLoaded: RegistrationSink | undefined;
  #model: ProgrammingModel | undefined;

  /** Runs `load` (which requires the app's files) with every registration going to `sink`. */
  loadInto<T>(sink: RegistrationSink, load: () => T): T {
    if (this.#loading !== undefined)
      throw new HostError('APP_LOAD_FAILED', 'another app is being loaded in this process');
    this.#loading = sink;
    try {
      return load();
    } finally {
      this.#loading = undefined;
      this.#lastLoaded = sink;
    }
  }

  /** The programming model `@azure/functions` set, if it has been loaded through this shim. */
  get programmingModel(): ProgrammingModel | undefined {
    return this.#model;
  }

  readonly registerFunction = (metadata: FunctionMetadata, callback: FunctionCallback): Disposable => {
    const sink = this.#loading;
    if (sink === undefined) {
      // Same rule as the worker: the host indexes functions once, at start-up.
      throw new HostError(
        'UNSUPPORTED',
        `function "${metadata.name}" was registered after app start-up; register at module load`,
      );
    }
    sink.registerFunction(metadata, callback);
    return new CallbackDisposable(() => undefined);
  };

  readonly registerHook = (hookName: string, callback: HookCallback): Disposable => {
    if (!HOOK_NAMES.includes(hookName)) {
      // The library turns a RangeError into its "requires a newer host" message.
      throw Object.assign(new RangeError(`Unrecognized hook "${hookName}"`), { isAzureFunctionsSystemError: true });
    }
    const sink = this.#loading ?? this.#lastLoaded;
    if (sink === undefined)
      throw new HostError('UNSUPPORTED', `hook "${hookName}" registered before any app was loaded`);
    return sink.registerHook(hookName as HookName, callback);
  };

  readonly setProgrammingModel = (model: ProgrammingModel): void => {
    this.#model = model;
  };

  readonly getProgrammingModel = (): ProgrammingModel => {
    if (this.#model === undefined)
      throw new HostError('UNSUPPORTED', 'no programming model has been set by @azure/functions');
    return this.#model;
  };

  readonly log = (level: RpcLogLevel, category: RpcLogCategory, message: string): void => {
    const sink = this.#loading ?? this.#lastLoaded;
    if (sink !== undefined) sink.log(level, category, message);
    else if (level === 'error' || level === 'critical' || level === 'warning') console.warn(message);
  };
}

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

let installed: CoreApiShim | undefined;

/** Makes `require('@azure/functions-core')` return the shim in this process (once) and returns it. */
export function installCoreApiShim(): CoreApiShim {
  if (installed !== undefined) return installed;
  const shim = new CoreApiShim();
  const moduleInternals = Module as unknown as { _load: ModuleLoad };
  const originalLoad = moduleInternals._load;
  moduleInternals._load = function loadWithCoreApi(this: unknown, request, parent, isMain) {
    if (request === MODULE_NAME) return shim;
    return originalLoad.call(this, request, parent, isMain);
  };
  installed = shim;
  return shim;
}
