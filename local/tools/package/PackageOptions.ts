/** The platform the packaged app runs on. */
export interface TargetPlatform {
  /** `process.platform` of the host. */
  os: string;
  /** `process.arch` of the host. */
  cpu: string;
  /** The C library of a Linux host, as npm's `libc` field names it. */
  libc: 'glibc' | 'musl';
}

/** Options of {@link buildPackage}. */
export interface PackageOptions {
  /** The project root: package.json, package-lock.json, node_modules/ and the compiled dist/. */
  root: string;
  /** The zip to write: absolute, or relative to the root. */
  outFile: string;
  /** The platform the app runs on; other platforms' native binaries are left out. */
  target: TargetPlatform;
  /** Compiled folders to ship: the `.js` files under each whose TypeScript source (the path without `dist/`) exists. */
  compiledDirs: string[];
  /** Files and folders shipped as they are, relative to the root. */
  assets: string[];
  /** Files of dependencies that Node never loads at run time (type declarations, source maps, TypeScript sources). */
  unloaded: RegExp;
  /** Modification time of every entry, so the same inputs give the same zip. */
  entryDate: Date;
  /** Deflate level, 0-9. */
  compressionLevel: number;
}

/** Azure Functions Flex Consumption runs Linux on x64 with glibc (Debian). */
export const FLEX_CONSUMPTION_TARGET: TargetPlatform = { os: 'linux', cpu: 'x64', libc: 'glibc' };

export const DEFAULT_PACKAGE_OPTIONS: Omit<PackageOptions, 'root'> = {
  outFile: 'dist-package/app.zip',
  target: FLEX_CONSUMPTION_TARGET,
  // The functions and the code they import; dist/local, dist/cli and dist/test are not part of the app.
  compiledDirs: ['dist/functions', 'dist/shared'],
  // host.json configures the host; the app reads config/solar-park.json (FORECAST_CONFIG) at start.
  assets: ['host.json', 'config'],
  // Node 20 loads none of these; they are most of the files of the Azure SDK packages.
  unloaded: /\.(?:d\.[cm]?ts|[cm]?ts|map)$/,
  entryDate: new Date('2000-01-01T00:00:00Z'),
  compressionLevel: 9,
};
