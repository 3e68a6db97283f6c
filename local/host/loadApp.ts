import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppRegistry } from './AppRegistry';
import type { CoreApiShim } from './coreApiShim';
import { expandMainGlob } from './expandMainGlob';
import { HostError } from './HostError';

/** An app loaded the way the worker loads it. */
export interface LoadedApp {
  /** `name` of the app's package.json (used for the default host id). */
  packageName: string | undefined;
  /** The entry files that were required, in order. */
  files: string[];
  registry: AppRegistry;
}

/**
 * Requires every file named by the app's package.json `main` with registrations routed to a fresh registry.
 * Entry files are dropped from the require cache first so a second host in the same process registers again.
 */
export function loadApp(appRoot: string, shim: CoreApiShim, registry: AppRegistry): LoadedApp {
  const packageJsonPath = path.join(appRoot, 'package.json');
  let pkg: { name?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { name?: unknown; main?: unknown };
  } catch (err) {
    throw new HostError('APP_LOAD_FAILED', `cannot read ${packageJsonPath}: ${(err as Error).message}`, { cause: err });
  }
  const main = typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : 'index.js';
  const files = expandMainGlob(appRoot, main);
  for (const file of files) {
    const resolved = require.resolve(file);
    delete require.cache[resolved];
    try {
      shim.loadInto(registry, () => require(resolved));
    } catch (err) {
      if (err instanceof HostError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new HostError('APP_LOAD_FAILED', `loading ${path.relative(appRoot, resolved)} failed: ${message}`, {
        cause: err,
      });
    }
  }
  return { packageName: typeof pkg.name === 'string' ? pkg.name : undefined, files, registry };
}
