import type { ForecastConfig, SourceConfig } from '../config/ForecastConfig';
import { type Clock, systemClock } from '../time/Clock';
import { RunAdapter } from './http/RunAdapter';
import { SnapshotAdapter } from './http/SnapshotAdapter';
import { WindowAdapter } from './http/WindowAdapter';
import { NativeAdapter } from './NativeAdapter';
import type { ProviderAdapter } from './ProviderAdapter';
import { ProviderClient } from './ProviderClient';

/** How the adapters reach their providers. */
export interface ProviderTransportOptions {
  /** Plain http redirect targets on hosts that are not loopback are followed: the app setting ALLOW_HTTP_PROVIDERS=true. */
  allowHttp: boolean;
}

export const DEFAULT_PROVIDER_TRANSPORT_OPTIONS: ProviderTransportOptions = { allowHttp: false };

/** The adapter of a configured source's `provider.protocol`: what the ingest function and the dry run read through. */
export function createProviderAdapter(
  source: SourceConfig,
  config: ForecastConfig,
  fetchImpl: typeof fetch = fetch,
  clock: Clock = systemClock,
  transport: ProviderTransportOptions = DEFAULT_PROVIDER_TRANSPORT_OPTIONS,
): ProviderAdapter {
  const { allowHttp } = transport;
  const p = source.provider;
  const index = config.sources.findIndex((s) => s.id === source.id);
  const configPath = `sources[${index}].provider`;
  const sites = config.sites.map((s) => ({ id: s.id, latitude: s.latitude, longitude: s.longitude }));
  switch (p.protocol) {
    case 'native':
      return new NativeAdapter(new ProviderClient(source.id, p, fetchImpl, clock, { allowHttp }));
    case 'http-json':
    case 'http-csv': {
      const target =
        config.target.source === source.id ? { field: config.target.field, unit: config.target.unit } : undefined;
      const ctx = { source: source.id, configPath, sites, target, fetchImpl, allowHttp };
      // A forecast source asks for the forecast now, and each answer is one run per site.
      return source.kind === 'forecast' ? new RunAdapter(p, ctx) : new WindowAdapter(p, ctx);
    }
    case 'snapshot':
      return new SnapshotAdapter(p, {
        source: source.id,
        configPath,
        sites,
        maxImageBytes: source.maxImageBytes,
        fetchImpl,
        allowHttp,
      });
  }
}
