import { resolve } from 'node:path';
import { providerKeyOf } from '../../local/providers/providerKeyOf';
import { createProviderAdapter } from '../../shared/sources/createProviderAdapter';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { loadConfig } from '../../shared/config/loadConfig';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { PersistenceModelSource } from '../../shared/predict/PersistenceModelSource';
import { RegistryModelSource } from '../../shared/predict/RegistryModelSource';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import type { Services } from '../../shared/runtime/createServices';
import { StatusStore } from '../../shared/storage/StatusStore';
import { ObservationStore } from '../../shared/sources/ObservationStore';
import type { Clock } from '../../shared/time/Clock';
import { MemoryBlobStore } from './MemoryBlobStore';
import { MemoryForecastStore } from './MemoryForecastStore';
import { TEST_SETTINGS } from './testEnv';

export const PROJECT_ROOT = resolve(__dirname, '../../..');

/**
 * The shipped configuration with test provider settings, every provider speaking the native wire format (what the
 * fake and simulated providers of handler tests answer with), optionally with endpoints replaced.
 */
export function testConfig(endpoints: Record<string, string> = {}): ForecastConfig {
  const config = loadConfig({ ...TEST_SETTINGS }, PROJECT_ROOT);
  for (const s of config.sources) {
    s.provider = {
      protocol: 'native',
      endpoint: endpoints[s.id] ?? s.provider.endpoint,
      apiKey: providerKeyOf(s.provider),
      pageSize: 500,
      timeoutMs: 10_000,
    };
  }
  return config;
}

/** Services over in-memory stores and a real ONNX runtime, for handler tests. */
export function testServices(
  clock: Clock,
  config: ForecastConfig = testConfig(),
): Services & { blobs: MemoryBlobStore; forecasts: MemoryForecastStore } {
  const blobs = new MemoryBlobStore();
  const runtime = new OnnxModelRuntime();
  const registry = new ModelRegistry(blobs, clock);
  const providers = new Map(config.sources.map((s) => [s.id, createProviderAdapter(s, config)]));
  return {
    config,
    clock,
    blobs,
    observations: new ObservationStore(blobs),
    forecasts: new MemoryForecastStore(),
    registry,
    status: new StatusStore(blobs),
    models: new RegistryModelSource(registry, runtime, new PersistenceModelSource(config, runtime)),
    provider: (id) => {
      const p = providers.get(id);
      if (!p) throw new Error(`no source ${id}`);
      return p;
    },
  };
}
