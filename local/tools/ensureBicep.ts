import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BicepToolError } from './BicepToolError';

/** Where the restore project is, relative to the repository root. */
const RESTORE_PROJECT = join('local', 'tools', 'bicep', 'bicep.csproj');
const PACKAGE_ID = 'Azure.Bicep.CommandLine.linux-x64';

/** Options of {@link ensureBicep}. */
export interface EnsureBicepOptions {
  /** Repository root; found by walking up from this file when omitted. */
  root?: string;
  /** Called with progress messages (the restore takes a few seconds to a minute). */
  log?: (message: string) => void;
  /** Longest a `dotnet restore` may take. */
  restoreTimeoutMs?: number;
}

export const DEFAULT_ENSURE_BICEP_OPTIONS = {
  log: (message: string): void => void process.stderr.write(`${message}\n`),
  restoreTimeoutMs: 10 * 60_000,
} as const;

/**
 * The path of the Bicep compiler binary, restored from NuGet into `.tools/` the first time (`dotnet restore` of
 * local/tools/bicep/bicep.csproj, which pins the version). Concurrent callers wait for one restore.
 */
export async function ensureBicep(options: EnsureBicepOptions = {}): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new BicepToolError(
      'UNSUPPORTED_PLATFORM',
      `the pinned Bicep compiler (${PACKAGE_ID}) runs on linux-x64 only, not ${process.platform}-${process.arch}`,
    );
  }
  const root = options.root ?? findRepoRoot(__dirname);
  const log = options.log ?? DEFAULT_ENSURE_BICEP_OPTIONS.log;
  const project = join(root, RESTORE_PROJECT);
  const binary = bicepBinaryPath(root);
  if (!existsSync(binary)) {
    await ignoreToolsFolder(root);
    await withLock(join(root, '.tools', 'bicep-restore.lock'), async () => {
      if (existsSync(binary)) return; // another process restored it while we waited
      const started = Date.now();
      log(`bicep: restoring ${PACKAGE_ID} ${pinnedVersion(project)} from NuGet into .tools/ ...`);
      await dotnetRestore(project, root, options.restoreTimeoutMs ?? DEFAULT_ENSURE_BICEP_OPTIONS.restoreTimeoutMs);
      log(`bicep: restored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
    if (!existsSync(binary)) {
      throw new BicepToolError(
        'BINARY_MISSING',
        `dotnet restore succeeded but ${binary} does not exist; is the package layout different in this version?`,
      );
    }
  }
  // NuGet extracts files without the execute bit on some setups.
  const mode = (await stat(binary)).mode;
  if ((mode & 0o111) !== 0o111) await chmod(binary, mode | 0o755);
  return binary;
}

/** Where the restore puts the binary of the pinned version. */
export function bicepBinaryPath(root: string): string {
  const version = pinnedVersion(join(root, RESTORE_PROJECT));
  return join(root, '.tools', 'nuget', PACKAGE_ID.toLowerCase(), version, 'tools', 'bicep');
}

/** The package version pinned in the restore project: the one place it is written. */
export function pinnedVersion(projectFile: string): string {
  const text = readFileSync(projectFile, 'utf8');
  const match = new RegExp(`Include="${PACKAGE_ID.replace(/\./g, '\\.')}"\\s+Version="([^"]+)"`).exec(text);
  if (!match?.[1])
    throw new BicepToolError(
      'BINARY_MISSING',
      `${projectFile} has no PackageReference to ${PACKAGE_ID} with a Version`,
    );
  return match[1];
}

/** The first folder upwards that holds the restore project (works from the sources and from dist/). */
export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, RESTORE_PROJECT))) return dir;
    if (dirname(dir) === dir)
      throw new BicepToolError('BINARY_MISSING', `no ${RESTORE_PROJECT} in ${from} or any folder above it`);
  }
}

function dotnetRestore(project: string, cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('dotnet', ['restore', project, '--nologo', '--verbosity', 'quiet'], {
      cwd,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => void (output = (output + chunk.toString('utf8')).slice(-8000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new BicepToolError(
              'DOTNET_MISSING',
              'the .NET SDK ("dotnet") is not on PATH; it restores the Bicep compiler from NuGet. Install the .NET SDK (8 or later) and run again.',
            )
          : new BicepToolError('RESTORE_FAILED', `could not start dotnet restore: ${err.message}`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const why = signal ? `was stopped (${signal}) after ${timeoutMs} ms` : `exited with ${code}`;
        reject(
          new BicepToolError(
            'RESTORE_FAILED',
            `dotnet restore ${project} ${why}; is NuGet reachable?\n${output.trim()}`,
          ),
        );
      }
    });
  });
}

/** .tools/ holds a 120 MB binary: it ignores itself, whatever the repository's .gitignore says. */
async function ignoreToolsFolder(root: string): Promise<void> {
  const dir = join(root, '.tools');
  await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, '.gitignore')))
    await writeFile(join(dir, '.gitignore'), '# Restored tools (local/tools/ensureBicep.ts); never committed.\n*\n');
}

/** Runs `fn` while holding a lock folder; a lock older than 15 minutes is taken to be left by a dead process. */
async function withLock(lockDir: string, fn: () => Promise<void>): Promise<void> {
  await mkdir(dirname(lockDir), { recursive: true });
  const staleMs = 15 * 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > staleMs) await rm(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
