import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { parseConfig } from '../../shared/config/loadConfig';

/** The shipped configuration file, relative to the project root. */
const CONFIG_FILE = 'config/solar-park.json';
const PROJECT_ROOT = resolve(__dirname, '../../..');

/** The configuration the bench runs, where it lives, and the app settings its `%NAME%` references resolve to. */
export interface BenchConfig {
  config: ForecastConfig;
  path: string;
  /** Placeholder provider endpoints and keys: the bench talks to no provider. */
  settings: Record<string, string>;
}

/** The shipped configuration (one simulated park, five sources), with placeholder provider settings. */
export function benchConfig(): BenchConfig {
  const path = resolve(PROJECT_ROOT, CONFIG_FILE);
  const text = readFileSync(path, 'utf8');
  const settings: Record<string, string> = {};
  for (const [, name] of text.matchAll(/%([A-Za-z0-9_]+)%/g)) {
    settings[name as string] = (name as string).endsWith('_ENDPOINT') ? 'https://bench.invalid' : 'bench';
  }
  return { config: parseConfig(JSON.parse(text), settings, CONFIG_FILE), path, settings };
}
