import type { ForecastConfig } from '../config/ForecastConfig';

/** The sites one predict shard makes. */
export interface PredictShard {
  /** 0-based. */
  shard: number;
  shards: number;
  /** Site ids, in configuration order. */
  sites: string[];
}

/**
 * Splits the configured sites into predict shards of at most `forecast.sitesPerShard` sites, as even as can be and
 * in configuration order, so the coordinator and every shard compute the same split from the same configuration.
 * One shard (every site) when they fit: the deployment runs unsharded.
 */
export function planShards(config: Pick<ForecastConfig, 'sites' | 'forecast'>): PredictShard[] {
  const ids = config.sites.map((s) => s.id);
  const shards = Math.max(1, Math.ceil(ids.length / config.forecast.sitesPerShard));
  return Array.from({ length: shards }, (_, shard) => ({
    shard,
    shards,
    sites: ids.slice(Math.floor((shard * ids.length) / shards), Math.floor(((shard + 1) * ids.length) / shards)),
  }));
}
