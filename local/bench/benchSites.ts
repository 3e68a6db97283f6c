import type { ForecastConfig } from '../../shared/config/ForecastConfig';

/** Most sites a bench configuration may have (the grid below has room for 250,000). */
const MAX_SITES = 250_000;
/** Grid spacing in degrees: about 1 km, so every site has its own sun position but the same weather. */
const STEP_DEG = 0.01;
const ROW = 500;

/**
 * The configuration with `count` sites: the configured first site, then `bench-00001`, ... on a grid around it.
 * Their observations are copies of the first site's (see populateHistory and TemplateBlobStore).
 */
export function benchSites(config: ForecastConfig, count: number): ForecastConfig {
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_SITES))
    throw new RangeError(`site count must be an integer from 1 to ${MAX_SITES}, got ${count}`);
  const [first] = config.sites;
  if (!first) throw new RangeError('the configuration has no site to copy');
  const sites = [first];
  for (let i = 1; i < count; i++) {
    sites.push({
      id: benchSiteId(i),
      name: `bench site ${i}`,
      latitude: Math.round((first.latitude + (Math.floor(i / ROW) - ROW / 2) * STEP_DEG) * 1e4) / 1e4,
      longitude: Math.round((first.longitude + ((i % ROW) - ROW / 2) * STEP_DEG) * 1e4) / 1e4,
    });
  }
  return { ...config, sites };
}

/** The id of the i-th extra site (i >= 1). */
export function benchSiteId(i: number): string {
  return `bench-${String(i).padStart(5, '0')}`;
}
