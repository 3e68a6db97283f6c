import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpFetcher } from '../../../../shared/sources/http/HttpFetcher';
import { ProviderHttpError, ProviderRedirectError } from '../../../../shared/sources/ProviderError';

const NOW = new Date('2026-06-01T12:00:00Z');
const MiB = 1024 * 1024;

/** Starts a server on a free local port; `hits` counts its requests. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('HttpFetcher over real HTTP (undici fetch)', () => {
  let elsewhere: Awaited<ReturnType<typeof serve>>;
  let provider: Awaited<ReturnType<typeof serve>>;
  const sent = { bytes: 0, closed: false };

  before(async () => {
    elsewhere = await serve((_req, res) => res.end('{"power":{"values":[]}}'));
    provider = await serve((req, res) => {
      if (req.url?.startsWith('/moved/')) {
        const status = Number(req.url.slice('/moved/'.length, '/moved/'.length + 3));
        res.writeHead(status, { location: `${elsewhere.url}/collect?token=stolen-123` }).end();
      } else if (req.url === '/huge') {
        // 100 MB, written as the client reads: a reader that stops early leaves most of it unsent.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const write = (): void => {
          while (sent.bytes < 100_000_000) {
            sent.bytes += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', write);
          }
          res.end();
        };
        res.on('close', () => (sent.closed = true));
        write();
      } else if (req.url === '/unavailable') {
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' }).end('down for maintenance, key=secret-key-1');
      } else {
        res.end('ok');
      }
    });
  });
  after(() => {
    provider.server.closeAllConnections();
    elsewhere.server.closeAllConnections();
    provider.server.close();
    elsewhere.server.close();
  });

  const fetcher = () => new HttpFetcher('pv', ['secret-key-1']);
  const options = { headers: {}, timeoutMs: 5_000, maxBytes: MiB, now: NOW };

  for (const status of [301, 302, 303, 307, 308]) {
    test(`${status} to another host: not followed, the other host never hears of it`, async () => {
      const before = elsewhere.hits.length;
      const err = await fetcher().get(new URL(`${provider.url}/moved/${status}?api_key=secret-key-1`), options).then(
        () => assert.fail('expected a ProviderRedirectError'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProviderRedirectError, String(err));
      assert.equal(err.canRetry(), false);
      assert.equal(err.status, status);
      assert.match(err.message, new RegExp(`GET /moved/${status} answered HTTP ${status} pointing to "${elsewhere.url}/collect"; redirects are never followed \\(requests go only to ${provider.url}\\)`));
      assert.doesNotMatch(err.message, /stolen-123|secret-key-1/);
      assert.equal(elsewhere.hits.length, before);
    });
  }

  test('a 100 MB body against a 1 MiB limit: cut at the limit + 1 byte, the rest never read', async () => {
    const started = performance.now();
    const body = await fetcher().get(new URL(`${provider.url}/huge`), options);
    assert.equal(body.truncated, true);
    assert.equal(body.bytes.length, MiB + 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(sent.bytes < 20 * MiB, `the server wrote only ${sent.bytes} bytes before the client stopped reading`);
    assert.equal(sent.closed, true, 'the connection was given up');
    assert.ok(performance.now() - started < 5_000);
  });

  test('an error answer: retryable 503 with Retry-After, its text shown with the secret redacted', async () => {
    const err = await fetcher().get(new URL(`${provider.url}/unavailable`), options).then(
      () => assert.fail('expected a ProviderHttpError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ProviderHttpError, String(err));
    assert.equal(err.canRetry(), true);
    assert.equal(err.retryAfter(), 30_000);
    assert.match(err.message, /GET \/unavailable answered HTTP 503: down for maintenance, key=/);
    assert.doesNotMatch(err.message, /secret-key-1/);
  });

  test('a small body within the limit is read whole', async () => {
    const body = await fetcher().get(new URL(`${provider.url}/fine`), options);
    assert.deepEqual([body.bytes.toString('utf8'), body.truncated], ['ok', false]);
  });
});
