import type { ForecastConfig, SiteConfig, SourceConfig } from '../config/ForecastConfig';
import type { FeatureSpec } from './FeatureSpec';
import { historyInputFor } from './historyInputFor';
import { FeatureSpecError } from './FeatureSpecError';

/**
 * The feature spec of a model that reads `sources` (any order; empty for the baseline) at one configured site:
 * sources in configuration order, each with all its configured fields, so the same set always gives the same
 * columns. A new model also gets the history of each source (configured, or DEFAULT_HISTORY; forecast runs none),
 * the clear-sky index of a solar target's irradiance and power fields, the calendar in the site's time zone, and
 * the sun only where the target says so (`solarInputs`, default `solar`); a model card keeps these keys
 * (featureInputsOf), so a model serves with the columns it was trained on whatever the configuration says later.
 */
export function featureSpecFor(config: ForecastConfig, siteId: string, sources: readonly string[]): FeatureSpec {
  const site = config.sites.find((s) => s.id === siteId);
  if (!site)
    throw new FeatureSpecError(
      'UNKNOWN_ID',
      `unknown site "${siteId}"; expected one of ${config.sites.map((s) => `"${s.id}"`).join(', ')}`,
    );
  return featureSpecForSite(config, site, sources);
}

/** featureSpecFor of a site already looked up (predict makes a spec per site and candidate model). */
export function featureSpecForSite(
  config: ForecastConfig,
  site: Pick<SiteConfig, 'latitude' | 'longitude' | 'timeZone' | 'holidays'>,
  sources: readonly string[],
): FeatureSpec {
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
  const history = Object.fromEntries(
    chosen.flatMap((s) => {
      const h = historyInputFor(s);
      return h ? [[s.id, h]] : [];
    }),
  );
  const csi = Object.fromEntries(
    chosen.flatMap((s) => {
      const fields = clearSkyIndexOf(s, config.target.solar);
      return fields.length > 0 ? [[s.id, fields]] : [];
    }),
  );
  return {
    sources: chosen.map((s) => s.id),
    fields: Object.fromEntries(chosen.map((s) => [s.id, [...s.fields]])),
    leadsMinutes: [...config.forecast.leadsMinutes],
    latitude: site.latitude,
    longitude: site.longitude,
    ...(chosen.some((s) => s.kind === 'forecast')
      ? { forecastSources: chosen.filter((s) => s.kind === 'forecast').map((s) => s.id) }
      : {}),
    ...(Object.keys(history).length > 0 ? { history } : {}),
    ...(Object.keys(csi).length > 0 ? { clearSkyIndex: csi } : {}),
    calendar: {
      timeZone: site.timeZone ?? 'UTC',
      ...(config.target.weekdayInputs === true ? { weekday: true } : {}),
      ...(site.holidays?.length ? { holidays: [...site.holidays] } : {}),
    },
    solarInputs: config.target.solarInputs ?? config.target.solar,
  };
}

/** The fields whose clear-sky index is an input: configured, or a solar target's irradiance and power readings. */
function clearSkyIndexOf(source: SourceConfig, solar: boolean | undefined): string[] {
  if (source.kind === 'forecast' || solar !== true) return [];
  if (source.clearSkyIndex) return [...source.clearSkyIndex];
  return source.kind === 'sensor' ? source.fields.filter((f) => /^(ghi|poa|power)/.test(f)) : [];
}
