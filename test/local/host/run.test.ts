import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { eventually, FIXTURE_APP, UNREACHABLE_STORAGE } from './fixtureHost';

const RUN_JS = path.resolve(__dirname, '..', '..', '..', 'local', 'host', 'run.js');

test('the CLI lists the functions like Core Tools, serves HTTP and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, [RUN_JS, '--app-root', FIXTURE_APP, '--port', '0'], {
    env: { ...process.env, TICK_SCHEDULE: '0 0 0 1 1 *', FIXTURE_STORAGE: UNREACHABLE_STORAGE, CLOCK_SPEED: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await eventually(() => out.includes('Press Ctrl+C'), `the start-up listing; output so far:\n${out}`, 20_000);
    const url = /get-item: \[GET\] (http:\/\/127\.0\.0\.1:\d+)\/api\/items\/\{id\}\/\{view\?\}/.exec(out)?.[1];
    assert.ok(url, out);
    assert.match(out, /echo: \[POST,PUT\] http:\/\/127\.0\.0\.1:\d+\/api\/echo/);
    assert.match(out, /boom: \[GET\] http:\/\/127\.0\.0\.1:\d+\/api\/boom/);
    assert.match(
      out,
      /ingest-image: blobTrigger path 'fixture-images\/\{name\}' \(connection FIXTURE_STORAGE, source EventGrid\)/,
    );
    assert.match(out, /tick: timerTrigger schedule '0 0 0 1 1 \*' \(%TICK_SCHEDULE%\)/);
    const res = await fetch(`${url}/api/items/3`);
    assert.equal(res.status, 203);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
