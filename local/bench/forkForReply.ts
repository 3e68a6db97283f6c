import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** How forkForReply runs a script. */
export interface ForkForReplyOptions {
  /** Names the process in errors. */
  label: string;
  /** The child's environment; the parent's when undefined. */
  env?: NodeJS.ProcessEnv;
  /** Sent to the child once it is started. */
  message?: unknown;
  /** The child is killed and the call fails after this long. */
  timeoutMs: number;
}

/**
 * Runs a Node script in a new process with an IPC channel, waits for its one message and for it to exit, and
 * returns the message and the wall time from spawn to exit. The child's output goes to this process's stderr, so
 * stdout keeps only the report.
 */
export function forkForReply<T>(script: string, o: ForkForReplyOptions): Promise<{ reply: T; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = fork(script, [], { env: o.env ?? process.env, stdio: ['ignore', 2, 2, 'ipc'], execArgv: [] });
    let reply: { value: T } | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${o.label} did not finish within ${Math.round(o.timeoutMs / 1000)} s; killed`));
    }, o.timeoutMs);
    child.once('message', (m) => (reply = { value: m as T }));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${o.label} could not run ${script}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply) resolve({ reply: reply.value, wallMs: performance.now() - started });
      else reject(new Error(`${o.label} exited (${signal ?? `code ${code}`}) without a result`));
    });
    if (o.message !== undefined) child.send(o.message as object);
  });
}
