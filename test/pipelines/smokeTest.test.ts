import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PROJECT_ROOT } from './pipelineProject';

const SCRIPT = join(PROJECT_ROOT, 'pipelines/scripts/smoke-test.sh');
const KEYS: Record<string, string> = { 'health-details': 'details-key-0123', forecast: 'forecast-key-4567' };
const bin = mkdtempSync(join(tmpdir(), 'smoke-bin-'));
after(() => rmSync(bin, { recursive: true, force: true }));

// A stand-in for the Azure CLI: each function's own key, as `az functionapp function keys list` prints it.
writeFileSync(
  join(bin, 'az'),
  `#!/usr/bin/env bash
fn=""; while [ $# -gt 0 ]; do [ "$1" = "--function-name" ] && fn="$2"; shift; done
case "$fn" in health-details) echo ${KEYS['health-details']} ;; forecast) echo ${KEYS['forecast']} ;; *) exit 1 ;; esac
`,
);
chmodSync(join(bin, 'az'), 0o755);

type Handler = (path: string, key: string | undefined) => { status: number; body: unknown };

/** Runs the script against a fake app; resolves with its exit code, output, and the requests the app saw. */
async function smokeTest(
  handle: Handler,
  env: Record<string, string> = {},
): Promise<{ code: number; output: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const key = req.headers['x-functions-key'] as string | undefined;
    seen.push(`${req.url ?? ''} ${key ?? '-'}`);
    const { status, body } = handle(new URL(req.url ?? '/', 'http://x').pathname, key);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return await new Promise((resolve) => {
      execFile(
        'bash',
        [SCRIPT],
        {
          env: {
            PATH: `${bin}:${process.env['PATH'] ?? ''}`,
            RESOURCE_GROUP: 'rg',
            FUNCTION_APP_NAME: 'app',
            FUNCTION_APP_URL: url,
            SMOKE_TEST_SITE: 'park-1',
            ATTEMPTS: '2',
            DELAY_SECONDS: '0',
            ...env,
          },
        },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr, seen }),
      );
    });
  } finally {
    server.close();
  }
}

/** A new environment: up, its stores answer but nothing can be forecast yet, no forecast; keys checked per function. */
const freshApp: Handler = (path, key) => {
  if (path === '/api/health')
    return { status: 200, body: { status: 'up', since: '2026-06-01T00:00:00Z', checkedAt: '2026-06-01T00:01:00Z' } };
  if (path === '/api/health/details') {
    if (key !== KEYS['health-details']) return { status: 401, body: '' };
    return {
      status: 503,
      body: {
        status: 'down',
        canForecast: false,
        reasons: ['no model can run'],
        services: { blobStorage: { ok: true }, cosmosDb: { ok: true } },
      },
    };
  }
  if (path === '/api/forecast')
    return key === KEYS['forecast']
      ? { status: 404, body: { error: 'no forecast for site "park-1" yet' } }
      : { status: 401, body: '' };
  return { status: 404, body: {} };
};

test('the smoke test checks liveness anonymously, then details and the forecast each with its own function key, never printing one', async () => {
  const r = await smokeTest(freshApp);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /health details are 503 \(cannot forecast yet\), but Blob Storage and Cosmos DB answer/);
  assert.match(r.output, /smoke test passed/);
  assert.deepEqual(r.seen, [
    '/api/health -',
    `/api/health/details ${KEYS['health-details']}`,
    `/api/forecast?site=park-1 ${KEYS['forecast']}`,
  ]);
  for (const key of Object.values(KEYS)) assert.ok(!r.output.includes(key), 'no key in the output');
});

test('the smoke test fails when details refuse the key (App Service Authentication in front of them), or cannot forecast and health is required', async () => {
  const refused = await smokeTest((path, key) =>
    path === '/api/health/details' ? { status: 401, body: '' } : freshApp(path, key),
  );
  assert.notEqual(refused.code, 0);
  assert.match(
    refused.output,
    /GET \/api\/health\/details refused the health-details key \(HTTP 401\): is \/api\/health\/details excluded from App Service Authentication\?/,
  );
  const required = await smokeTest(freshApp, { REQUIRE_HEALTHY: 'TRUE' });
  assert.notEqual(required.code, 0);
  assert.match(required.output, /GET \/api\/health\/details did not pass after 2 attempts \(last HTTP 503\)/);
  const down = await smokeTest((path, key) =>
    path === '/api/health' ? { status: 503, body: {} } : freshApp(path, key),
  );
  assert.match(down.output, /GET \/api\/health did not answer up after 2 attempts \(last HTTP 503\)/);
});
