import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { allowHttpProviders } from './allowHttpProviders';
import { ConfigError } from './ConfigError';
import { type ForecastConfig, forecastConfigSchema } from './ForecastConfig';
import { plainHttpProblem } from './plainHttpProblem';
import { formatPath, valueAt } from './zodProblems';

/** App settings (environment variables) the configuration may refer to as `%NAME%`. */
export type Settings = Readonly<Record<string, string | undefined>>;

/** The configuration file used when `FORECAST_CONFIG` is not set, relative to the app root. */
export const DEFAULT_CONFIG_PATH = 'config/solar-park.json';

const SETTING_REF = /^%([A-Za-z0-9_]+)%$/;
/** Schedules stay as references: the Functions host resolves them, as it does in Azure. */
const KEPT_AS_REFERENCE = new Set(['schedule']);

/** Validates a parsed configuration object and resolves `%NAME%` references from `settings`. */
export function parseConfig(raw: unknown, settings: Settings = process.env, origin = 'configuration'): ForecastConfig {
  const problems: string[] = [];
  const resolved = resolveReferences(raw, settings, [], problems);
  const result = forecastConfigSchema.safeParse(resolved);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const at = formatPath(issue.path);
      const got = valueAt(resolved, issue.path);
      const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)?.slice(0, 80)})`;
      problems.push(`${at || '(root)'}: ${issue.message}${issue.code === 'custom' ? '' : shown}`);
    }
  }
  if (result.success) problems.push(...endpointProblems(result.data as ForecastConfig, raw, settings));
  if (problems.length > 0) {
    throw new ConfigError(`Invalid ${origin}:\n  ${problems.join('\n  ')}`, problems);
  }
  return result.data as ForecastConfig;
}

/**
 * Every provider endpoint is https, unless its host is loopback (the local stack, the examples) or the app setting
 * ALLOW_HTTP_PROVIDERS=true allows plain http (see allowHttpProviders). Each problem names the key path, the value
 * and the app setting it came from.
 */
function endpointProblems(config: ForecastConfig, raw: unknown, settings: Settings): string[] {
  const allowHttp = allowHttpProviders(settings);
  const problems: string[] = [];
  config.sources.forEach((source, i) => {
    const path = ['sources', i, 'provider', 'endpoint'];
    const endpoint = source.provider.endpoint;
    const problem = plainHttpProblem(new URL(endpoint), allowHttp);
    if (!problem) return;
    const ref = SETTING_REF.exec(String(valueAt(raw, path)));
    problems.push(`${formatPath(path)}: ${JSON.stringify(endpoint)}${ref ? ` (from the app setting ${ref[1]})` : ''} is ${problem}`);
  });
  return problems;
}

/** Reads the configuration named by `FORECAST_CONFIG` (a JSON file path) or the default one. */
export function loadConfig(settings: Settings = process.env, appRoot = process.cwd()): ForecastConfig {
  const path = settings['FORECAST_CONFIG'] || DEFAULT_CONFIG_PATH;
  const file = isAbsolute(path) ? path : resolve(appRoot, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the configuration file "${file}" (FORECAST_CONFIG=${JSON.stringify(path)}): ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`The configuration file "${file}" is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, settings, `configuration file "${file}"`);
}

function resolveReferences(value: unknown, settings: Settings, path: (string | number)[], problems: string[]): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    const ref = SETTING_REF.exec(value);
    if (!ref || (typeof key === 'string' && KEPT_AS_REFERENCE.has(key))) return value;
    const name = ref[1] as string;
    const setting = settings[name];
    if (setting === undefined || setting === '') {
      problems.push(`${formatPath(path)}: refers to the app setting "${name}", which is not set`);
      return value;
    }
    return setting;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, settings, [...path, i], problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveReferences(v, settings, [...path, k], problems)]),
    );
  }
  return value;
}
