import { spawn } from 'node:child_process';
import { BicepToolError } from './BicepToolError';
import { type BicepDiagnostic, sarifDiagnostics } from './sarifDiagnostics';

/** What one run of the Bicep CLI returned. */
export interface BicepRun {
  /** Exit code (1 when the compiler reported an error). */
  code: number;
  stdout: string;
  stderr: string;
  /** Its diagnostics, read from the SARIF it wrote to either stream. */
  diagnostics: BicepDiagnostic[];
}

/** Options of {@link runBicep}. */
export interface RunBicepOptions {
  cwd?: string;
  /** Added to this process's environment (a .bicepparam file reads variables with readEnvironmentVariable). */
  env?: Record<string, string>;
  /** Longest one run may take. */
  timeoutMs?: number;
}

export const DEFAULT_RUN_BICEP_OPTIONS = { timeoutMs: 5 * 60_000 } as const;

/** Runs `bicep <args> --diagnostics-format sarif` and collects its output and diagnostics. */
export function runBicep(bicep: string, args: string[], options: RunBicepOptions = {}): Promise<BicepRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bicep, [...args, '--diagnostics-format', 'sarif'], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_BICEP_OPTIONS.timeoutMs;
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new BicepToolError('BICEP_FAILED', `could not run ${bicep}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (signal) {
        reject(
          new BicepToolError('BICEP_FAILED', `bicep ${args.join(' ')} was stopped (${signal}) after ${timeoutMs} ms`),
        );
        return;
      }
      resolve({
        code: code ?? 1,
        stdout,
        stderr,
        diagnostics: [...sarifDiagnostics(stdout), ...sarifDiagnostics(stderr)],
      });
    });
  });
}
