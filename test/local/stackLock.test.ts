import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimStackLock, StackRunningError } from '../../local/stackLock';

test('a second npm start on the same data is told the first is running; a stale lock is taken over; release removes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));
  const file = join(dir, '.local', 'npm-start.lock');
  try {
    const release = claimStackLock(file, 1111, () => true);
    assert.throws(
      () => claimStackLock(file, 2222, (pid) => pid === 1111),
      (e: unknown) =>
        e instanceof StackRunningError &&
        e.pid === 1111 &&
        /another local stack \(npm start or npm run emulators, process 1111\) is running.*kill 1111/.test(e.message),
    );
    // The first one died without cleaning up: the next takes over.
    const again = claimStackLock(file, 3333, () => false);
    release(); // not its lock any more: left alone
    assert.ok(existsSync(file));
    again();
    assert.ok(!existsSync(file));
    writeFileSync(file, 'not json');
    claimStackLock(file, 4444, () => true)();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
