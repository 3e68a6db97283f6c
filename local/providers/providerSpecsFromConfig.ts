import { ConfigError } from '../../shared/config/ConfigError';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { NWP_FIELDS } from '../world/nwpErrors';
import type { WorldSourceId } from '../world/WorldSource';
import { WORLD_SOURCE_IDS, worldSourceKind } from '../world/WorldSource';
import { providerKeyOf } from './providerKeyOf';
import type { ProviderSpec } from './ProviderSpec';

/** Fields the world produces per value source (image fields are derived downstream, so not checked). */
const SENSOR_FIELDS: Record<Exclude<WorldSourceId, 'skycam'>, readonly string[]> = {
  'site-meter': ['power_kw', 'ghi_wm2'],
  neighbors: ['ghi_w25', 'ghi_w45', 'ghi_nw35', 'ghi_sw35'],
  weather: ['temp_c', 'wind_speed_ms', 'wind_dir_deg', 'humidity_pct', 'pressure_hpa'],
  nwp: NWP_FIELDS,
};

const A_KIND = { sensor: 'a sensor', image: 'an image', forecast: 'a forecast' } as const;

/**
 * The simulated providers a (resolved) configuration asks for: port and key from each source's provider block.
 * Every problem is collected and reported at once: unknown source ids, a kind the world does not serve that way,
 * fields it does not produce, endpoints it cannot listen on.
 */
export function providerSpecsFromConfig(config: ForecastConfig): ProviderSpec[] {
  const problems: string[] = [];
  const specs: ProviderSpec[] = [];
  const unknown = config.sources.filter((s) => !isWorldSource(s.id)).map((s) => s.id);
  if (unknown.length > 0) {
    problems.push(
      `the simulated world has no source ${unknown.map((id) => `"${id}"`).join(', ')}; it serves ${WORLD_SOURCE_IDS.map((id) => `"${id}"`).join(', ')}`,
    );
  }
  config.sources.forEach((source, i) => {
    const id = source.id;
    if (!isWorldSource(id)) return;
    const at = `sources[${i}] ("${id}")`;
    const expectedKind = worldSourceKind(id);
    if (source.kind !== expectedKind)
      problems.push(`${at}.kind: the simulated "${id}" is ${A_KIND[expectedKind]} source, got "${source.kind}"`);
    if (id !== 'skycam') {
      const missing = source.fields.filter((f) => !SENSOR_FIELDS[id].includes(f));
      if (missing.length > 0) {
        problems.push(
          `${at}.fields: the simulated "${id}" does not produce ${missing.map((f) => `"${f}"`).join(', ')}; it has ${SENSOR_FIELDS[id].join(', ')}`,
        );
      }
    }
    const port = portOf(source.provider.endpoint);
    if (typeof port === 'string') problems.push(`${at}.provider.endpoint: ${port}`);
    else if (providerKeyOf(source.provider) === '')
      problems.push(`${at}.provider.auth: the simulated providers need a key; got none`);
    else specs.push({ id, port, apiKey: providerKeyOf(source.provider) });
  });
  if (problems.length > 0)
    throw new ConfigError(
      `Cannot serve this configuration with the simulated providers:\n  ${problems.join('\n  ')}`,
      problems,
    );
  return specs;
}

function isWorldSource(id: string): id is WorldSourceId {
  return (WORLD_SOURCE_IDS as readonly string[]).includes(id);
}

/** The port to listen on, or why there is none. */
function portOf(endpoint: string): number | string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `not a URL: ${JSON.stringify(endpoint)}`;
  }
  if (url.protocol !== 'http:') return `the simulated providers speak plain http, got ${JSON.stringify(endpoint)}`;
  if (url.pathname !== '/' && url.pathname !== '')
    return `the simulated providers serve at the root, got path ${JSON.stringify(url.pathname)} in ${JSON.stringify(endpoint)}`;
  return url.port === '' ? 80 : Number(url.port);
}
