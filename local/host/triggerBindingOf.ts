import { HostError } from './HostError';
import type { FunctionMetadata, RpcBindingInfo } from './workerContract';

/** The trigger binding of a function (the one whose type ends in "Trigger", as the library decides). */
export function triggerBindingOf(metadata: FunctionMetadata): RpcBindingInfo & { name: string; type: string } {
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    if (typeof binding.type === 'string' && /trigger$/i.test(binding.type))
      return { ...binding, name, type: binding.type };
  }
  throw new HostError('BAD_BINDING', `function "${metadata.name}" has no trigger binding`);
}
