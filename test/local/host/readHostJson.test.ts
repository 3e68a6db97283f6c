import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostError } from '../../../local/host/HostError';
import { readHostJson } from '../../../local/host/readHostJson';
import { PROJECT_ROOT } from '../../support/testServices';

test("the app's host.json runs one predict shard per instance at a time, and 5 deliveries before the poison queue", () => {
  assert.deepEqual(readHostJson(PROJECT_ROOT).queues, { batchSize: 1, maxDequeueCount: 5 });
});

test('host.json queue settings: absent is the defaults, a bad one is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'host-json-'));
  try {
    assert.deepEqual(readHostJson(dir), { routePrefix: 'api', queues: {} });
    writeFileSync(join(dir, 'host.json'), JSON.stringify({ version: '2.0', extensions: { queues: { batchSize: 0 } } }));
    assert.throws(
      () => readHostJson(dir),
      (err: unknown) =>
        err instanceof HostError &&
        /extensions\.queues\.batchSize must be a whole number of at least 1, got 0/.test(err.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
