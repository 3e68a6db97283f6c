import type { RegistrationSink } from './coreApiShim';
import { HostError } from './HostError';
import type {
  Disposable,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  RpcLogCategory,
  RpcLogLevel,
} from './workerContract';

/** A function as the app registered it: the worker's metadata and the library's callback. */
export interface LoadedFunction {
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

/** What one app registered while it loaded: its functions and its lifecycle hooks. */
export class AppRegistry implements RegistrationSink {
  readonly functions: LoadedFunction[] = [];
  readonly #hooks = new Map<HookName, HookCallback[]>();

  constructor(private readonly systemLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void) {}

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): void {
    const name = metadata.name;
    if (this.functions.some((f) => f.metadata.name.toLowerCase() === name.toLowerCase())) {
      throw new HostError('APP_LOAD_FAILED', `function "${name}" is registered twice (names are case-insensitive)`);
    }
    this.functions.push({ metadata: { ...metadata, functionId: metadata.functionId ?? name }, callback });
  }

  registerHook(name: HookName, callback: HookCallback): Disposable {
    const list = this.#hooks.get(name) ?? [];
    list.push(callback);
    this.#hooks.set(name, list);
    return {
      dispose: () => {
        const index = list.indexOf(callback);
        if (index >= 0) list.splice(index, 1);
      },
    };
  }

  /** The hooks of `name` in registration order (a copy, so a hook may dispose itself while they run). */
  hooks(name: HookName): HookCallback[] {
    return [...(this.#hooks.get(name) ?? [])];
  }

  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
    this.systemLog(level, category, message);
  }
}
