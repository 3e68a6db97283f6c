import type { NativeProviderConfig, ProviderConfig } from '../../shared/config/providerSchemas';

/** The provider block of a test configuration, which speaks the native wire format. */
export function nativeProvider(p: ProviderConfig): NativeProviderConfig {
  if (p.protocol !== 'native') throw new Error(`expected a native provider, got "${p.protocol}"`);
  return p;
}
