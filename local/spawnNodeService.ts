import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Options for {@link spawnNodeService}. */
export interface SpawnNodeServiceOptions {
  /** Name used in messages. */
  name: string;
  /** The compiled entry script. */
  script: string;
  args?: string[];
  env: Record<string, string | undefined>;
  /** Append the child's output to this file (created with its folder). */
  logFile?: string;
  /** Also copy the child's output to the parent's stderr, prefixed with the name. */
  echo?: boolean;
}

/** Runs a compiled script of the project in its own node process, its output to a log file. */
export function spawnNodeService(o: SpawnNodeServiceOptions): ChildProcess {
  const child = spawn(process.execPath, [o.script, ...(o.args ?? [])], {
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sinks: NodeJS.WritableStream[] = [];
  if (o.logFile) {
    mkdirSync(dirname(o.logFile), { recursive: true });
    sinks.push(createWriteStream(o.logFile, { flags: 'a' }));
  }
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      for (const sink of sinks) sink.write(chunk);
      if (o.echo) process.stderr.write(chunk.toString('utf8').replace(/^(?=.)/gm, `[${o.name}] `));
    });
  }
  return child;
}
