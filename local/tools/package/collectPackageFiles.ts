import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { foreignPlatformFolder, isNativeBinaryName, isTargetBinary } from './nativeBinaries';
import { PackageError } from './PackageError';
import type { PackageOptions } from './PackageOptions';
import { type Lockfile, type PackageSelection, selectProductionPackages, verifyInstalled } from './productionPackages';

/** A file of the zip: copied from `source`, or written from `content`. */
export interface PackageEntry {
  /** Path inside the zip, with forward slashes. */
  name: string;
  source?: string;
  content?: Buffer;
  size: number;
  mode: number;
}

/** A file left out, and why. */
export interface DroppedFile {
  path: string;
  bytes: number;
  reason: string;
}

export interface CollectedFiles {
  entries: PackageEntry[];
  dropped: DroppedFile[];
  selection: PackageSelection;
  /** The manifest as shipped. */
  manifest: Manifest;
}

/** The fields of package.json the package keeps: what the Functions host and npm read at run time. */
export interface Manifest {
  name?: string;
  version?: string;
  private?: boolean;
  description?: string;
  license?: string;
  main?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const SHIPPED_MANIFEST_FIELDS: (keyof Manifest)[] = [
  'name',
  'version',
  'private',
  'description',
  'license',
  'main',
  'engines',
  'dependencies',
];

/** Every file of the deployment package, checked: see {@link buildPackage}. */
export function collectPackageFiles(options: PackageOptions): CollectedFiles {
  const { root, target } = options;
  const entries: PackageEntry[] = [];
  const dropped: DroppedFile[] = [];

  const manifestFile = join(root, 'package.json');
  const full = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest & Record<string, unknown>;
  const manifest = Object.fromEntries(
    SHIPPED_MANIFEST_FIELDS.filter((k) => k in full).map((k) => [k, full[k]]),
  ) as Manifest;
  const manifestText = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  entries.push({ name: 'package.json', content: manifestText, size: manifestText.length, mode: 0o644 });

  for (const dir of options.compiledDirs) {
    const abs = join(root, dir);
    if (!existsSync(abs))
      throw new PackageError('NOT_BUILT', `${dir} does not exist; compile first (\`npm run build\`)`);
    for (const file of filesUnder(abs)) {
      const name = rel(root, file);
      if (!/\.(js|json)$/.test(name)) continue;
      // Only output whose source still exists: dist/ can hold files of deleted or renamed sources.
      const source = join(root, name.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
      if (!existsSync(source))
        dropped.push({ path: name, bytes: lstatSync(file).size, reason: `stale: ${rel(root, source)} does not exist` });
      else entries.push(fileEntry(name, file));
    }
  }

  for (const asset of options.assets) {
    const abs = join(root, asset);
    if (!existsSync(abs)) throw new PackageError('NOT_BUILT', `${asset} does not exist`);
    const files = lstatSync(abs).isDirectory() ? filesUnder(abs) : [abs];
    for (const file of files) entries.push(fileEntry(rel(root, file), file));
  }

  const lockFile = join(root, 'package-lock.json');
  if (!existsSync(lockFile))
    throw new PackageError(
      'NO_LOCKFILE',
      'package-lock.json does not exist; the production dependencies are read from it',
    );
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as Lockfile;
  const selection = selectProductionPackages(lock, target);
  verifyInstalled(root, lock, selection.packages);
  for (const pkg of selection.packages) {
    const pkgRoot = join(root, pkg.path);
    let foreign = 0;
    let native = 0;
    // A nested node_modules/ holds packages of their own lockfile entries (some of them dev): not walked here.
    for (const file of filesUnder(pkgRoot, join(pkgRoot, 'node_modules'))) {
      const name = rel(root, file);
      const inPackage = rel(pkgRoot, file);
      if (options.unloaded.test(inPackage)) {
        dropped.push({
          path: name,
          bytes: lstatSync(file).size,
          reason: 'not loaded at run time (types, source maps, TypeScript sources)',
        });
        continue;
      }
      const folder = foreignPlatformFolder(inPackage, target);
      if (folder) {
        foreign++;
        dropped.push({ path: name, bytes: lstatSync(file).size, reason: folder });
        continue;
      }
      if (isNativeBinaryName(inPackage)) {
        if (!isTargetBinary(readHeader(file), target)) {
          dropped.push({ path: name, bytes: lstatSync(file).size, reason: `not a ${target.os}-${target.cpu} binary` });
          continue;
        }
        native++;
      }
      entries.push(fileEntry(name, file));
    }
    if (foreign > 0 && native === 0) {
      throw new PackageError(
        'MISSING_TARGET_BINARY',
        `${pkg.name} ships binaries for other platforms but none for ${target.os}-${target.cpu} under ${pkg.path}`,
      );
    }
  }

  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, dropped, selection, manifest };
}

function fileEntry(name: string, file: string): PackageEntry {
  const stat = lstatSync(file);
  return { name, source: file, size: stat.size, mode: stat.mode & 0o777 };
}

/** Regular files under a folder, recursively (symbolic links are not followed), except under `exclude`. */
function filesUnder(dir: string, exclude?: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== exclude) out.push(...filesUnder(path, exclude));
    } else if (entry.isFile()) {
      out.push(path);
    }
  }
  return out;
}

function rel(from: string, to: string): string {
  return relative(from, to).split('\\').join('/');
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, 64, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
