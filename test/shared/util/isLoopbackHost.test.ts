import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost } from '../../../shared/util/isLoopbackHost';

test('isLoopbackHost: localhost, 127.0.0.0/8 and ::1 as URLs write them; nothing that only looks like one', () => {
  const cases: [string, boolean][] = [
    ['http://localhost:7101', true],
    ['http://LocalHost.', true],
    ['http://127.0.0.1', true],
    ['http://127.8.9.10:80', true],
    ['http://[::1]:7101', true],
    ['http://127.0.0.1.nip.io', false],
    ['http://localhost.example', false],
    ['http://10.0.0.5', false],
    ['http://[::2]', false],
    ['http://0.0.0.0', false],
  ];
  for (const [url, expected] of cases) assert.equal(isLoopbackHost(new URL(url).hostname), expected, url);
});
