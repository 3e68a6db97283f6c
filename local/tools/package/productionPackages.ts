import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackageError } from './PackageError';
import type { TargetPlatform } from './PackageOptions';

/** One `packages` entry of package-lock.json (lockfile version 2 or 3). */
export interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** A package of the production tree, where npm installed it. */
export interface ProductionPackage {
  /** Its folder relative to the project root, e.g. `node_modules/@azure/cosmos`. */
  path: string;
  /** Its name, e.g. `@azure/cosmos`. */
  name: string;
  version: string;
}

/** What the lockfile says the target platform needs, and what it leaves out. */
export interface PackageSelection {
  packages: ProductionPackage[];
  /** Lockfile packages not shipped, with the reason. */
  skipped: { path: string; reason: string }[];
}

/** The package name of a lockfile key: the part after its last `node_modules/`. */
export function packageName(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Whether an npm `os` / `cpu` / `libc` list admits a value (`!x` excludes x; no list admits all). */
export function admits(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((v) => !v.startsWith('!'));
  return allowed.length === 0 || allowed.includes(value);
}

/** Whether a lockfile entry installs on the target. */
export function installsOn(entry: LockEntry, target: TargetPlatform): boolean {
  return (
    admits(entry.os, target.os) &&
    admits(entry.cpu, target.cpu) &&
    (target.os !== 'linux' || admits(entry.libc, target.libc))
  );
}

/** Where Node finds `name` from the package at `from` (`''` is the project): the nearest node_modules/ up the tree. */
export function resolveInLockfile(lock: Lockfile, from: string, name: string): string | undefined {
  for (let base = from; ;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (candidate in lock.packages) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent >= 0 ? base.slice(0, parent) : '';
  }
}

/**
 * The production packages for the target platform, from the lockfile alone: what `npm ci --omit=dev` installs
 * there. From the project's dependencies and optionalDependencies, every dependency, optional dependency and
 * required peer is followed to the place Node resolves it; an optional dependency the target's os, cpu or libc
 * excludes is not installed, nor what only it needs (sharp's wasm32 build and its @emnapi runtime, say).
 */
export function selectProductionPackages(lock: Lockfile, target: TargetPlatform): PackageSelection {
  if (!(lock.lockfileVersion >= 2) || typeof lock.packages !== 'object') {
    throw new PackageError(
      'NO_LOCKFILE',
      `package-lock.json has lockfileVersion ${lock.lockfileVersion}; version 2 or 3 (npm 7+) is needed`,
    );
  }
  const root = lock.packages[''] ?? {};
  const reached = new Set<string>();
  const queue: string[] = [''];
  for (let from = queue.shift(); from !== undefined; from = queue.shift()) {
    const entry = from === '' ? root : (lock.packages[from] as LockEntry);
    const edges: [string, boolean][] = [
      ...Object.keys(entry.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(entry.peerDependencies ?? {}).map((n): [string, boolean] => [
        n,
        entry.peerDependenciesMeta?.[n]?.optional === true,
      ]),
    ];
    for (const [name, optional] of edges) {
      const path = resolveInLockfile(lock, from, name);
      const dep = path === undefined ? undefined : lock.packages[path];
      if (path === undefined || dep === undefined) {
        if (optional) continue;
        throw new PackageError(
          'NOT_INSTALLED',
          `${from || 'package.json'} depends on ${name}, which package-lock.json does not hold; run \`npm install\``,
        );
      }
      if (!installsOn(dep, target)) {
        if (optional) continue;
        throw new PackageError(
          'MISSING_TARGET_BINARY',
          `${path} is required by ${from || 'package.json'} but does not install on ${target.os}-${target.cpu}`,
        );
      }
      if (!reached.has(path)) {
        reached.add(path);
        queue.push(path);
      }
    }
  }
  const packages = [...reached]
    .sort()
    .map((path) => ({ path, name: packageName(path), version: lock.packages[path]?.version ?? '' }));
  const skipped = Object.entries(lock.packages)
    .filter(([path]) => path !== '' && !reached.has(path))
    .map(([path, e]) => ({
      path,
      reason: e.dev ? 'dev' : !installsOn(e, target) ? 'other platform' : 'needed only by packages of other platforms',
    }));
  return { packages, skipped };
}

/**
 * Checks that node_modules/ holds every selected package at its locked version. A package for the target that is
 * missing usually means node_modules was installed on another platform (npm skips the target's optional native
 * packages there): the zip would deploy without them and fail only on Azure.
 */
export function verifyInstalled(root: string, lock: Lockfile, packages: ProductionPackage[]): void {
  for (const p of packages) {
    const manifest = join(root, p.path, 'package.json');
    if (!existsSync(manifest)) {
      if (lock.packages[p.path]?.optional) {
        throw new PackageError(
          'MISSING_TARGET_BINARY',
          `${p.name}@${p.version} is needed on the target platform but is not installed (${p.path}): node_modules was installed on another platform. Build the package on linux-x64 (the pipeline's agent) after \`npm ci\`.`,
        );
      }
      throw new PackageError(
        'NOT_INSTALLED',
        `${p.name}@${p.version} is not installed at ${p.path}; run \`npm ci\` first`,
      );
    }
    const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
    if (p.version && installed !== p.version) {
      throw new PackageError(
        'STALE_NODE_MODULES',
        `${p.path} is ${p.name}@${installed}, but package-lock.json locks ${p.version}; run \`npm ci\``,
      );
    }
  }
}
