import type { ChildProcess } from 'node:child_process';

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when `child` has exited (at once if it already has). */
export function waitForExit(child: ChildProcess): Promise<ChildExit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Sends `signal` (SIGTERM by default), waits up to `timeoutMs` for the exit, then SIGKILLs and waits again.
 * Safe to call on a process that has already exited or is exiting.
 */
export async function stopChildProcess(
  child: ChildProcess,
  options: { timeoutMs: number; signal?: NodeJS.Signals },
): Promise<ChildExit> {
  const exited = waitForExit(child);
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(options.signal ?? 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const first = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  child.kill('SIGKILL');
  return exited;
}
