import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HostError } from './HostError';

/** The parts of host.json the local host honours. */
export interface HostJsonSettings {
  /** `extensions.http.routePrefix` (default `api`). */
  routePrefix: string;
}

/** Reads the app's host.json (if any). */
export function readHostJson(appRoot: string): HostJsonSettings {
  const file = path.join(appRoot, 'host.json');
  if (!existsSync(file)) return { routePrefix: 'api' };
  let json: { extensions?: { http?: { routePrefix?: unknown } } };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (err) {
    throw new HostError('APP_LOAD_FAILED', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const prefix = json.extensions?.http?.routePrefix;
  return { routePrefix: typeof prefix === 'string' ? prefix.replace(/^\/+|\/+$/g, '') : 'api' };
}
