import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ManagedService, ProcessGroup } from '../../../local/services/ProcessGroup';
import { waitForExit } from '../../../local/services/stopChildProcess';
import { waitFor } from '../../../local/services/waitFor';

function recorder(name: string, log: string[], fail = false): ManagedService {
  return {
    name,
    stop: async () => {
      log.push(name);
      if (fail) throw new Error(`${name} refused`);
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A child that idles until signalled; SIGTERM ends it like any node process. */
function sleeper(): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

describe('ProcessGroup', () => {
  it('stops services newest first, once, and tries all even when one fails', async () => {
    const log: string[] = [];
    const group = new ProcessGroup({ handleSignals: false, log: () => undefined });
    group.add(recorder('cosmos', log));
    group.add(recorder('azurite', log, true));
    group.add(recorder('functions-host', log));

    await assert.rejects(group.stopAll(), (err: unknown) => {
      assert.ok(err instanceof AggregateError);
      assert.equal(err.errors.length, 1);
      return true;
    });
    assert.deepEqual(log, ['functions-host', 'azurite', 'cosmos']);
    await group.stopAll().catch(() => undefined);
    assert.deepEqual(log, ['functions-host', 'azurite', 'cosmos'], 'a second stopAll stops nothing again');
  });

  it('stops a service added after stopAll at once', async () => {
    const log: string[] = [];
    const group = new ProcessGroup({ handleSignals: false });
    await group.stopAll();
    group.add(recorder('late', log));
    await waitFor(async () => (log.length > 0 ? true : undefined), { description: 'late stop', timeoutMs: 1_000 });
    assert.deepEqual(log, ['late']);
  });

  it('stops a raw child process with SIGTERM', async () => {
    const child = sleeper();
    const group = new ProcessGroup({ handleSignals: false });
    group.addProcess('sleeper', child);
    await group.stopAll();
    const exit = await waitForExit(child);
    assert.equal(exit.signal, 'SIGTERM');
  });

  it('on SIGTERM, a script using it stops its children and exits 143', async () => {
    const processGroup = join(__dirname, '../../../local/services/ProcessGroup.js');
    const script = `
      const { spawn } = require('node:child_process');
      const { ProcessGroup } = require(${JSON.stringify(processGroup)});
      const group = new ProcessGroup({ log: () => {} });
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      group.addProcess('sleeper', child);
      process.stdout.write(String(child.pid) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const grandchildPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    assert.ok(isAlive(grandchildPid));

    parent.kill('SIGTERM');
    const exit = await waitForExit(parent);
    assert.equal(exit.code, 143);
    await waitFor(async () => (isAlive(grandchildPid) ? undefined : true), {
      description: 'the grandchild to exit',
      timeoutMs: 5_000,
    });
  });

  it('when the script dies of an uncaught error, SIGTERMs the children on the way out', async () => {
    const processGroup = join(__dirname, '../../../local/services/ProcessGroup.js');
    const script = `
      const { spawn } = require('node:child_process');
      const { ProcessGroup } = require(${JSON.stringify(processGroup)});
      const group = new ProcessGroup({ log: () => {} });
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      group.addProcess('sleeper', child);
      process.stdout.write(String(child.pid) + '\\n');
      setTimeout(() => { throw new Error('boom'); }, 200);
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchildPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    const exit = await waitForExit(parent);
    assert.equal(exit.code, 1);
    await waitFor(async () => (isAlive(grandchildPid) ? undefined : true), {
      description: 'the grandchild to exit',
      timeoutMs: 5_000,
    });
  });
});
