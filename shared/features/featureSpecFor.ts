import type { ForecastConfig } from '../config/ForecastConfig';
import type { FeatureSpec } from './FeatureSpec';
import { FeatureSpecError } from './FeatureSpecError';

/**
 * The feature spec of a model that reads `sources` (any order; empty for the baseline) at one configured site:
 * sources in configuration order, each with all its configured fields, so the same set always gives the same
 * columns.
 */
export function featureSpecFor(config: ForecastConfig, siteId: string, sources: readonly string[]): FeatureSpec {
  const site = config.sites.find((s) => s.id === siteId);
  if (!site)
    throw new FeatureSpecError(
      'UNKNOWN_ID',
      `unknown site "${siteId}"; expected one of ${config.sites.map((s) => `"${s.id}"`).join(', ')}`,
    );
  const wanted = new Set(sources);
  for (const id of wanted) {
    if (!config.sources.some((s) => s.id === id)) {
      throw new FeatureSpecError(
        'UNKNOWN_ID',
        `unknown source "${id}"; expected one of ${config.sources.map((s) => `"${s.id}"`).join(', ')}`,
      );
    }
  }
  const chosen = config.sources.filter((s) => wanted.has(s.id));
  return {
    sources: chosen.map((s) => s.id),
    fields: Object.fromEntries(chosen.map((s) => [s.id, [...s.fields]])),
    leadsMinutes: [...config.forecast.leadsMinutes],
    latitude: site.latitude,
    longitude: site.longitude,
    ...(chosen.some((s) => s.kind === 'forecast')
      ? { forecastSources: chosen.filter((s) => s.kind === 'forecast').map((s) => s.id) }
      : {}),
  };
}
