import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { allowHttpProviders } from './allowHttpProviders';
import { ConfigError } from './ConfigError';
import { SourceNotConfiguredError } from './SourceNotConfiguredError';
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

/** Stand-ins for a broken source's unset settings: values that pass validation and can never be reached. */
const UNSET_ENDPOINT = 'https://setting-not-set.invalid';
const UNSET_VALUE = 'setting-not-set';

/** An app setting the configuration refers to that is not set: where, and which. */
interface MissingSetting {
  path: (string | number)[];
  setting: string;
}

/** A configuration whose sources are each usable or not, on their own. */
export interface ConfigBySource {
  config: ForecastConfig;
  /** Sources whose provider refers to unset app settings: registered, listed by health, never read. */
  broken: SourceNotConfiguredError[];
}

/** Validates a parsed configuration object and resolves `%NAME%` references from `settings`. */
export function parseConfig(raw: unknown, settings: Settings = process.env, origin = 'configuration'): ForecastConfig {
  const missing: MissingSetting[] = [];
  const resolved = resolveReferences(raw, settings, [], missing, () => undefined);
  return validate(resolved, missing.map(describeMissing), origin, raw, settings);
}

/**
 * As parseConfig, except that an unset app setting inside a source's `provider` block breaks only that source: it
 * is validated with a stand-in value and returned in `broken` (naming the setting), so one provider's missing key
 * fails its own ingestion instead of the whole app. Any other problem still throws.
 */
export function parseConfigBySource(
  raw: unknown,
  settings: Settings = process.env,
  origin = 'configuration',
): ConfigBySource {
  const missing: MissingSetting[] = [];
  const resolved = resolveReferences(raw, settings, [], missing, (path) =>
    isProviderPath(path) ? (path[path.length - 1] === 'endpoint' ? UNSET_ENDPOINT : UNSET_VALUE) : undefined,
  );
  const fatal = missing.filter((m) => !isProviderPath(m.path));
  const config = validate(resolved, fatal.map(describeMissing), origin, raw, settings);
  const bySource = new Map<number, MissingSetting[]>();
  for (const m of missing) {
    if (!isProviderPath(m.path)) continue;
    const index = m.path[1] as number;
    bySource.set(index, [...(bySource.get(index) ?? []), m]);
  }
  const broken = [...bySource].map(
    ([index, ms]) =>
      new SourceNotConfiguredError(
        config.sources[index]?.id ?? `#${index}`,
        ms.map((m) => ({ setting: m.setting, path: formatPath(m.path) })),
      ),
  );
  return { config, broken };
}

function validate(
  resolved: unknown,
  problems: string[],
  origin: string,
  raw: unknown,
  settings: Settings,
): ForecastConfig {
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
    problems.push(
      `${formatPath(path)}: ${JSON.stringify(endpoint)}${ref ? ` (from the app setting ${ref[1]})` : ''} is ${problem}`,
    );
  });
  return problems;
}

/** Reads the configuration named by `FORECAST_CONFIG` (a JSON file path) or the default one. */
export function loadConfig(settings: Settings = process.env, appRoot = process.cwd()): ForecastConfig {
  const { raw, origin } = readConfigFile(settings, appRoot);
  return parseConfig(raw, settings, origin);
}

/** As loadConfig, with each source's unset provider settings breaking only that source (see parseConfigBySource). */
export function loadConfigBySource(settings: Settings = process.env, appRoot = process.cwd()): ConfigBySource {
  const { raw, origin } = readConfigFile(settings, appRoot);
  return parseConfigBySource(raw, settings, origin);
}

/** The configuration file's parsed JSON, no reference resolved and nothing validated, and how to name it. */
export function readConfigFile(
  settings: Settings = process.env,
  appRoot = process.cwd(),
): { raw: unknown; origin: string } {
  const path = settings['FORECAST_CONFIG'] || DEFAULT_CONFIG_PATH;
  const file = isAbsolute(path) ? path : resolve(appRoot, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Cannot read the configuration file "${file}" (FORECAST_CONFIG=${JSON.stringify(path)}): ${(err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`The configuration file "${file}" is not valid JSON: ${(err as Error).message}`);
  }
  return { raw, origin: `configuration file "${file}"` };
}

function isProviderPath(path: readonly (string | number)[]): boolean {
  return path[0] === 'sources' && typeof path[1] === 'number' && path[2] === 'provider';
}

function describeMissing(m: MissingSetting): string {
  return `${formatPath(m.path)}: refers to the app setting "${m.setting}", which is not set`;
}

/** Resolves `%NAME%` references; an unset one is recorded in `missing` and replaced by `standIn(path)` if it gives one. */
function resolveReferences(
  value: unknown,
  settings: Settings,
  path: (string | number)[],
  missing: MissingSetting[],
  standIn: (path: (string | number)[]) => string | undefined,
): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    const ref = SETTING_REF.exec(value);
    if (!ref || (typeof key === 'string' && KEPT_AS_REFERENCE.has(key))) return value;
    const name = ref[1] as string;
    const setting = settings[name];
    if (setting === undefined || setting === '') {
      missing.push({ path, setting: name });
      return standIn(path) ?? value;
    }
    return setting;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, settings, [...path, i], missing, standIn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveReferences(v, settings, [...path, k], missing, standIn)]),
    );
  }
  return value;
}
