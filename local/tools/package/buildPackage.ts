import { resolve } from 'node:path';
import { checkPackageContents } from './checkPackageContents';
import { collectPackageFiles, type DroppedFile } from './collectPackageFiles';
import type { PackageOptions } from './PackageOptions';
import { writeZip } from './writeZip';

/** What {@link buildPackage} wrote. */
export interface PackageReport {
  /** The zip, absolute. */
  zipFile: string;
  /** Its size in bytes. */
  bytes: number;
  /** Files in it. */
  files: number;
  /** Their total size before compression. */
  uncompressedBytes: number;
  /** Production packages in it. */
  packages: number;
  /** The files package.json `main` names: the functions' entry points. */
  entryPoints: string[];
  /** Files left out: other platforms' binaries, stale compiled output. */
  dropped: DroppedFile[];
}

/**
 * Builds the Flex Consumption deployment zip: the compiled functions and the code they import (only output whose
 * source exists), host.json, the configuration, a package.json without scripts or devDependencies, and the
 * production dependencies as `npm ci --omit=dev` would install them on the target (read from the lockfile,
 * copied from node_modules), without other platforms' native binaries. Checks that `main` names files of the
 * package and that the packaged code requires nothing the package lacks.
 */
export async function buildPackage(options: PackageOptions): Promise<PackageReport> {
  const collected = collectPackageFiles(options);
  const mains = checkPackageContents(collected.entries, collected.manifest.main, options.compiledDirs);
  const zipFile = resolve(options.root, options.outFile);
  const bytes = await writeZip(zipFile, collected.entries, options.entryDate, options.compressionLevel);
  return {
    zipFile,
    bytes,
    files: collected.entries.length,
    uncompressedBytes: collected.entries.reduce((sum, e) => sum + e.size, 0),
    packages: collected.selection.packages.length,
    entryPoints: mains,
    dropped: collected.dropped,
  };
}
