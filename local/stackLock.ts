import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Another `npm start` holds the data folder. */
export class StackRunningError extends Error {
  readonly code = 'STACK_RUNNING';
  constructor(
    readonly pid: number,
    file: string,
  ) {
    super(
      `another local stack (npm start or npm run emulators, process ${pid}) is running on this folder's data (${file}); stop it with Ctrl-C in its terminal, or \`kill ${pid}\``,
    );
    this.name = 'StackRunningError';
  }
}

/**
 * Claims the local stack's data folder for this process: a second `npm start` on the same data is told the first one
 * is running (instead of finding its ports taken). A lock left by a process that is gone is taken over.
 * Returns the release function.
 */
export function claimStackLock(
  file: string,
  pid: number = process.pid,
  isAlive: (pid: number) => boolean = processAlive,
): () => void {
  let holder: number | undefined;
  try {
    holder = Number(JSON.parse(readFileSync(file, 'utf8')).pid);
  } catch {
    holder = undefined;
  }
  if (holder !== undefined && Number.isInteger(holder) && holder !== pid && isAlive(holder))
    throw new StackRunningError(holder, file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid, startedAt: new Date().toISOString() }));
  return () => {
    try {
      if (Number(JSON.parse(readFileSync(file, 'utf8')).pid) === pid) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
