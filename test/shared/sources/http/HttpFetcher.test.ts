import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type GetOptions, HttpFetcher, type HttpFetcherOptions } from '../../../../shared/sources/http/HttpFetcher';
import { scriptedFetch } from '../../../support/scriptedFetch';
import { ProviderHttpError, ProviderRedirectError } from '../../../../shared/sources/ProviderError';

const NOW = new Date('2026-06-01T12:00:00Z');
const MiB = 1024 * 1024;

/** Starts a server on a free local port; `hits` counts its requests. */
async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string; hits: string[] }> {
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
        res
          .writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' })
          .end('down for maintenance, key=secret-key-1');
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
    test(`${status} to another origin: not followed (the default for data), the other host never hears of it`, async () => {
      const before = elsewhere.hits.length;
      const err = await fetcher()
        .get(new URL(`${provider.url}/moved/${status}?api_key=secret-key-1`), options)
        .then(
          () => assert.fail('expected a ProviderRedirectError'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof ProviderRedirectError, String(err));
      assert.equal(err.canRetry(), false);
      assert.equal(err.status, status);
      assert.match(
        err.message,
        new RegExp(
          `GET /moved/${status} answered HTTP ${status} pointing to "${elsewhere.url}/collect", another origin than ${provider.url}; not followed`,
        ),
      );
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
    const err = await fetcher()
      .get(new URL(`${provider.url}/unavailable`), options)
      .then(
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

describe('HttpFetcher redirect rules (each hop decided by HttpFetcher, never by fetch)', () => {
  const KEY = 'secret-key-1';
  const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } });
  const ok = () => new Response('ok', { headers: { 'content-type': 'text/plain' } });
  const get = (
    f: typeof fetch,
    url: string,
    o: Partial<GetOptions> = {},
    fetcherOptions: Partial<HttpFetcherOptions> = {},
  ) =>
    new HttpFetcher('pv', [KEY], f, fetcherOptions).get(new URL(url), {
      headers: { accept: 'image/*', 'x-api-key': KEY },
      credentialQuery: { api_key: KEY },
      timeoutMs: 5_000,
      maxBytes: MiB,
      now: NOW,
      ...o,
    });
  const refused = async (p: Promise<unknown>): Promise<ProviderRedirectError> => {
    const err = await p.then(
      () => assert.fail('expected a ProviderRedirectError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ProviderRedirectError, String(err));
    assert.equal(err.canRetry(), false);
    assert.doesNotMatch(err.message, /secret-key-1/);
    return err;
  };

  test('within the origin: followed with the headers, and the credential query set again where the Location dropped it', async () => {
    const f = scriptedFetch((url) => (url.pathname === '/old' ? redirect('/new?page=2') : ok()));
    const body = await get(f, `https://p.example/old?api_key=${KEY}`);
    assert.equal(body.bytes.toString(), 'ok');
    assert.deepEqual(
      f.seen.map((s) => [s.url.toString(), s.headers['x-api-key']]),
      [
        [`https://p.example/old?api_key=${KEY}`, KEY],
        [`https://p.example/new?page=2&api_key=${KEY}`, KEY],
      ],
    );
  });

  test('https to plain http is never followed, not even to the same host, to loopback, or with allowHttp', async () => {
    for (const [from, to] of [
      ['https://p.example/a', 'http://p.example/a'],
      ['https://127.0.0.1:8443/a', 'http://127.0.0.1:8080/a'],
    ] as const) {
      const f = scriptedFetch(() => redirect(to));
      const err = await refused(get(f, from, { crossOrigin: 'without-credentials' }, { allowHttp: true }));
      assert.match(
        err.message,
        new RegExp(
          `GET /a answered HTTP 302 pointing to "${to.replace(/\./g, '\\.')}": an https request is never redirected to plain http`,
        ),
      );
      assert.equal(f.seen.length, 1);
    }
  });

  test('a picture redirected to plain http on another machine: refused unless ALLOW_HTTP_PROVIDERS (allowHttp)', async () => {
    const script = (url: URL) => (url.hostname === '10.0.0.5' ? redirect('http://10.0.0.9/pic.jpg') : ok());
    const f = scriptedFetch(script);
    const err = await refused(get(f, 'http://10.0.0.5/snap.jpg', { crossOrigin: 'without-credentials' }));
    assert.match(
      err.message,
      /pointing to "http:\/\/10\.0\.0\.9\/pic\.jpg": not followed: plain http to 10\.0\.0\.9, which is not a loopback host; expected https:\/\/ .*ALLOW_HTTP_PROVIDERS=true/,
    );
    assert.equal(f.seen.length, 1);
    const allowed = scriptedFetch(script);
    await get(allowed, 'http://10.0.0.5/snap.jpg', { crossOrigin: 'without-credentials' }, { allowHttp: true });
    assert.deepEqual(allowed.seen[1]?.headers, { accept: 'image/*' });
  });

  test('a picture redirected to another https origin: fetched with accept only, without the credential query or any parameter holding the key', async () => {
    const f = scriptedFetch((url) =>
      url.hostname === 'p.example'
        ? redirect(`https://cdn.example/pic.jpg?sig=abc&api_key=${KEY}&echo=x${KEY}x`)
        : ok(),
    );
    await get(f, `https://p.example/img?api_key=${KEY}`, { crossOrigin: 'without-credentials' });
    assert.equal(f.seen[1]?.url.toString(), 'https://cdn.example/pic.jpg?sig=abc');
    assert.deepEqual(f.seen[1]?.headers, { accept: 'image/*' });
  });

  test('a redirect back to the endpoint origin gets the credentials again; a CDN error names the CDN without its query', async () => {
    const f = scriptedFetch((url) =>
      url.hostname === 'p.example' && url.pathname === '/img'
        ? redirect('https://cdn.example/hop?sig=1')
        : url.hostname === 'cdn.example'
          ? redirect('https://p.example/final')
          : ok(),
    );
    await get(f, 'https://p.example/img', { crossOrigin: 'without-credentials' });
    assert.deepEqual(
      f.seen.map((s) => [s.url.origin, s.headers['x-api-key'] ?? null]),
      [
        ['https://p.example', KEY],
        ['https://cdn.example', null],
        ['https://p.example', KEY],
      ],
    );
    const failing = scriptedFetch((url) =>
      url.hostname === 'p.example'
        ? redirect('https://cdn.example/gone?sig=1')
        : new Response('not here', { status: 404 }),
    );
    const err = await get(failing, 'https://p.example/img', { crossOrigin: 'without-credentials' }).then(
      () => assert.fail('expected a ProviderHttpError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ProviderHttpError, String(err));
    assert.match(err.message, /GET https:\/\/cdn\.example\/gone answered HTTP 404: not here/);
  });

  test('no Location, a Location that is no URL, and a scheme that is not http(s): refused, saying which', async () => {
    const cases: [Response, RegExp][] = [
      [
        new Response(null, { status: 302 }),
        /answered HTTP 302 without a Location; expected the answer itself or a redirect within https:\/\/p\.example/,
      ],
      [redirect('http://[bad'), /pointing to "http:\/\/\[bad", which is no URL/],
      [
        redirect('file:///etc/passwd'),
        /pointing to "file:\/\/\/etc\/passwd": not followed: file: is not an http\(s\) scheme/,
      ],
    ];
    for (const [answer, message] of cases) {
      const err = await refused(
        get(
          scriptedFetch(() => answer.clone()),
          'https://p.example/a',
          { crossOrigin: 'without-credentials' },
        ),
      );
      assert.match(err.message, message);
    }
  });
});
