import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HostError } from './HostError';

/** The parts of host.json the local host honours. */
export interface HostJsonSettings {
  /** `extensions.http.routePrefix` (default `api`). */
  routePrefix: string;
  /** `extensions.queues.batchSize` and `maxDequeueCount`, when set (the host's defaults are 16 and 5). */
  queues: { batchSize?: number; maxDequeueCount?: number };
}

/** Reads the app's host.json (if any). */
export function readHostJson(appRoot: string): HostJsonSettings {
  const file = path.join(appRoot, 'host.json');
  if (!existsSync(file)) return { routePrefix: 'api', queues: {} };
  let json: { extensions?: { http?: { routePrefix?: unknown }; queues?: Record<string, unknown> } };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (err) {
    throw new HostError('APP_LOAD_FAILED', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const prefix = json.extensions?.http?.routePrefix;
  const queues = json.extensions?.queues ?? {};
  const count = (key: string): { [k: string]: number } => {
    const value = queues[key];
    if (value === undefined) return {};
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new HostError(
        'APP_LOAD_FAILED',
        `${file}: extensions.queues.${key} must be a whole number of at least 1, got ${JSON.stringify(value)}`,
      );
    return { [key]: value };
  };
  return {
    routePrefix: typeof prefix === 'string' ? prefix.replace(/^\/+|\/+$/g, '') : 'api',
    queues: { ...count('batchSize'), ...count('maxDequeueCount') },
  };
}
