import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../../../shared/config/loadConfig';
import { nativeProvider } from '../../../support/nativeProvider';
import { createProviderAdapter } from '../../../../shared/sources/createProviderAdapter';
import { ProviderClient } from '../../../../shared/sources/ProviderClient';
import { ProviderRedirectError } from '../../../../shared/sources/ProviderError';
import type { ProviderAdapter } from '../../../../shared/sources/ProviderAdapter';
import { FixedClock } from '../../../support/fixedClock';
import { skyJpeg } from '../../../support/images';
import { scriptedFetch } from '../../../support/scriptedFetch';

/**
 * The rule, over real HTTP (two node:http servers on loopback ports, so two origins): a provider's credentials go
 * only to its endpoint's origin. A redirect within that origin is followed with them; a data answer (a page, a
 * window) redirected to another origin is refused; a picture redirected to another origin (a CDN) is fetched
 * without any credential header, configured header or credential query parameter.
 */

const NOW = new Date('2026-06-01T12:00:00Z');
const call = { timeoutMs: 5_000, now: NOW };
const plan = { watermark: undefined, initialSince: new Date('2026-06-01T11:00:00Z'), now: NOW };

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
}

/** A server on a free loopback port that records every request (its URL and headers). */
async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, self: string) => void,
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let url = '';
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, seen };
}

type AuthKind = 'header' | 'query' | 'bearer' | 'basic';
/** Each auth kind with the secret strings that must never reach another origin. */
const AUTHS: Record<AuthKind, { auth: Record<string, string>; secrets: string[] }> = {
  header: { auth: { kind: 'header', name: 'x-vendor-key', value: 'hdr-secret-111' }, secrets: ['hdr-secret-111'] },
  query: { auth: { kind: 'query', name: 'api_key', value: 'qry-secret-222' }, secrets: ['qry-secret-222'] },
  bearer: { auth: { kind: 'bearer', token: 'bearer-secret-333' }, secrets: ['bearer-secret-333'] },
  basic: {
    auth: { kind: 'basic', username: 'viewer', password: 'basic-secret-444' },
    secrets: ['basic-secret-444', Buffer.from('viewer:basic-secret-444').toString('base64')],
  },
};
const NATIVE_KEY = 'native-secret-555';
/** A configured extra header that is a secret too: configured headers stay with the provider. */
const CONFIGURED = { 'x-tenant': 'tenant-secret-666' };
const ALL_SECRETS = [...Object.values(AUTHS).flatMap((a) => a.secrets), NATIVE_KEY, CONFIGURED['x-tenant']];

/** Whether a request carries the credentials of `kind` (what the provider checks). */
function authorized(req: IncomingMessage, kind: AuthKind | 'native'): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  switch (kind) {
    case 'native':
      return req.headers['x-api-key'] === NATIVE_KEY;
    case 'header':
      return req.headers['x-vendor-key'] === 'hdr-secret-111';
    case 'query':
      return url.searchParams.get('api_key') === 'qry-secret-222';
    case 'bearer':
      return req.headers.authorization === 'Bearer bearer-secret-333';
    case 'basic':
      return req.headers.authorization === `Basic ${Buffer.from('viewer:basic-secret-444').toString('base64')}`;
  }
}

/** What another origin received, as one string: every secret must be absent from it. */
function received(seen: readonly Seen[]): string {
  return JSON.stringify(seen);
}

function assertNoSecretReached(seen: readonly Seen[]): void {
  const text = received(seen);
  for (const secret of ALL_SECRETS)
    assert.ok(!text.includes(secret), `the other origin received ${JSON.stringify(secret)}: ${text}`);
  for (const s of seen) {
    assert.equal(s.headers.authorization, undefined);
    assert.equal(s.headers['x-api-key'], undefined);
    assert.equal(s.headers['x-vendor-key'], undefined);
    assert.equal(s.headers['x-tenant'], undefined);
    assert.equal(new URL(s.url, 'http://x').searchParams.has('api_key'), false);
  }
}

const DATA = JSON.stringify({ items: [{ t: '2026-06-01T11:30:00Z', v: 1.5 }] });

describe('redirects over real HTTP: credentials stay with the endpoint origin', () => {
  let picture: Buffer;
  let cdn: Awaited<ReturnType<typeof serve>>;
  let provider: Awaited<ReturnType<typeof serve>>;
  let kindOf: (req: IncomingMessage) => AuthKind | 'native';

  before(async () => {
    picture = await skyJpeg();
    cdn = await serve((req, res) => {
      if (req.url?.startsWith('/pic.jpg')) res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(DATA);
    });
    provider = await serve((req, res, self) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const kind = kindOf(req);
      // Everything under /<kind>/ is that kind's API; the provider checks the credentials on every request.
      if (!authorized(req, kind)) return void res.writeHead(401).end('no key');
      const [, , route] = path.split('/');
      const carry = kind === 'query' ? '?api_key=qry-secret-222&sig=cdn-sig' : '?sig=cdn-sig';
      if (route === 'away') res.writeHead(302, { location: `${cdn.url}/collect?token=stolen` }).end();
      else if (route === 'moved') res.writeHead(301, { location: `/${kind}/data` }).end();
      else if (route === 'moved-abs') res.writeHead(307, { location: `${self}/${kind}/data` }).end();
      else if (route === 'data') res.writeHead(200, { 'content-type': 'application/json' }).end(DATA);
      else if (route === 'loop') res.writeHead(302, { location: `/${kind}/loop` }).end();
      else if (route === 'to-cdn') res.writeHead(302, { location: `${cdn.url}/pic.jpg${carry}` }).end();
      else if (route === 'pic') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture);
      else if (route === 'observations') res.writeHead(302, { location: `${cdn.url}/collect` }).end();
      else res.writeHead(404).end();
    });
    kindOf = (req) => (new URL(req.url ?? '/', 'http://x').pathname.split('/')[1] ?? 'native') as AuthKind | 'native';
  });
  after(() => {
    for (const s of [provider, cdn]) {
      s.server.closeAllConnections();
      s.server.close();
    }
  });

  function httpJson(kind: AuthKind, path: string): ProviderAdapter {
    const raw = {
      sites: [{ id: 'park-1', latitude: 52.52, longitude: 13.41 }],
      sources: [
        {
          id: 'pv',
          kind: 'sensor',
          fields: ['power_kw'],
          schedule: '0 */15 * * * *',
          provider: {
            protocol: 'http-json',
            endpoint: provider.url,
            auth: AUTHS[kind].auth,
            headers: CONFIGURED,
            request: { path: `/${kind}/${path}`, query: { from: '{from}', to: '{to}' } },
            response: { records: 'items', time: { path: 't' }, values: { power_kw: { path: 'v' } } },
          },
        },
      ],
      target: { source: 'pv', field: 'power_kw' },
    };
    const config = parseConfig(raw, {});
    return createProviderAdapter(config.sources[0]!, config, fetch, new FixedClock(NOW));
  }

  function snapshot(kind: AuthKind, path: string): ProviderAdapter {
    const raw = {
      sites: [{ id: 'park-1', latitude: 52.52, longitude: 13.41 }],
      sources: [
        {
          id: 'cam',
          kind: 'image',
          fields: ['brightness'],
          schedule: '0 */10 * * * *',
          provider: {
            protocol: 'snapshot',
            endpoint: provider.url,
            auth: AUTHS[kind].auth,
            headers: CONFIGURED,
            request: { path: `/${kind}/${path}` },
            observedAt: { from: 'fetch' },
          },
        },
        {
          id: 'meter',
          kind: 'sensor',
          fields: ['power_kw'],
          schedule: '0 */10 * * * *',
          provider: { endpoint: provider.url, apiKey: NATIVE_KEY },
        },
      ],
      target: { source: 'meter', field: 'power_kw' },
    };
    const config = parseConfig(raw, {});
    return createProviderAdapter(config.sources[0]!, config, fetch, new FixedClock(NOW));
  }

  const native = () =>
    new ProviderClient(
      'meter',
      nativeProvider(
        parseConfig(
          {
            sites: [{ id: 'park-1', latitude: 1, longitude: 1 }],
            sources: [
              {
                id: 'meter',
                kind: 'sensor',
                fields: ['p'],
                schedule: '0 */10 * * * *',
                provider: { endpoint: `${provider.url}/native`, apiKey: NATIVE_KEY },
              },
            ],
            target: { source: 'meter', field: 'p' },
          },
          {},
        ).sources[0]!.provider,
      ),
      fetch,
      new FixedClock(NOW),
    );

  for (const kind of Object.keys(AUTHS) as AuthKind[]) {
    test(`${kind} auth, data: a 302 to another origin is refused (non-retryable, naming both origins); the other server never sees the key`, async () => {
      const before = cdn.seen.length;
      const err = await httpJson(kind, 'away')
        .reader(plan)
        .next(call)
        .then(
          () => assert.fail('expected a ProviderRedirectError'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof ProviderRedirectError, String(err));
      assert.equal(err.code, 'PROVIDER_REDIRECT');
      assert.equal(err.canRetry(), false);
      assert.equal(err.status, 302);
      assert.ok(err.message.includes(provider.url) && err.message.includes(`${cdn.url}/collect`), err.message);
      assert.match(err.message, /another origin/);
      for (const secret of [...ALL_SECRETS, 'stolen']) assert.ok(!err.message.includes(secret), err.message);
      assert.equal(cdn.seen.length, before, 'no request reached the other origin');
      assertNoSecretReached(cdn.seen);
    });

    test(`${kind} auth, data: a redirect within the endpoint origin is followed, with the credentials`, async () => {
      for (const path of ['moved', 'moved-abs']) {
        const step = await httpJson(kind, path).reader(plan).next(call);
        assert.equal(step.records.length, 1, path);
        const last = provider.seen.at(-1);
        assert.equal(new URL(last?.url ?? '/', 'http://x').pathname, `/${kind}/data`);
        assert.equal(
          last?.headers['x-tenant'],
          CONFIGURED['x-tenant'],
          'configured headers go along within the origin',
        );
      }
    });

    test(`${kind} auth, snapshot picture: a 302 to a CDN is followed without any credential; the CDN never sees the key`, async () => {
      const before = cdn.seen.length;
      const step = await snapshot(kind, 'to-cdn')
        .reader({ ...plan })
        .next(call);
      assert.equal(step.records[0]?.image?.bytes.length, picture.length);
      assert.equal(cdn.seen.length, before + 1);
      const hit = cdn.seen.at(-1);
      assert.equal(
        new URL(hit?.url ?? '/', 'http://x').searchParams.get('sig'),
        'cdn-sig',
        'the CDN keeps its own parameters',
      );
      assertNoSecretReached(cdn.seen);
    });
  }

  test('native: a page redirected to another origin is refused; the other server never sees x-api-key', async () => {
    const before = cdn.seen.length;
    const err = await native()
      .page(plan.initialSince, call)
      .then(
        () => assert.fail('expected a ProviderRedirectError'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof ProviderRedirectError, String(err));
    assert.equal(err.canRetry(), false);
    assert.ok(err.message.includes(provider.url) && err.message.includes(cdn.url), err.message);
    assert.equal(cdn.seen.length, before);
  });

  test('native: an image redirected to a CDN is fetched without x-api-key', async () => {
    const before = cdn.seen.length;
    const image = await native().image('/to-cdn/x.jpg', { ...call, maxBytes: 1_000_000 });
    assert.deepEqual(image.bytes, picture);
    assert.equal(cdn.seen.length, before + 1);
    assertNoSecretReached(cdn.seen);
  });

  test('a same-origin redirect loop stops after a few hops with a non-retryable error', async () => {
    const before = provider.seen.length;
    const err = await httpJson('header', 'loop')
      .reader(plan)
      .next(call)
      .then(
        () => assert.fail('expected a ProviderRedirectError'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof ProviderRedirectError, String(err));
    assert.equal(err.canRetry(), false);
    assert.match(err.message, /more than 3 redirects/);
    assert.equal(provider.seen.length - before, 4, 'the first request and three redirects');
  });
});

describe('ALLOW_HTTP_PROVIDERS reaches the fetch: a private-network camera redirecting to plain http', () => {
  const raw = {
    sites: [{ id: 'park-1', latitude: 52.52, longitude: 13.41 }],
    sources: [
      {
        id: 'cam',
        kind: 'image',
        fields: ['brightness'],
        schedule: '0 */10 * * * *',
        provider: {
          protocol: 'snapshot',
          endpoint: 'http://10.0.0.5',
          auth: AUTHS.basic.auth,
          observedAt: { from: 'fetch' },
        },
      },
      {
        id: 'meter',
        kind: 'sensor',
        fields: ['power_kw'],
        schedule: '0 */10 * * * *',
        provider: { endpoint: 'https://meter.example', apiKey: NATIVE_KEY },
      },
    ],
    target: { source: 'meter', field: 'power_kw' },
  };

  test('without the setting the configuration is refused; with it the redirect to http://10.0.0.9 is followed without the password', async () => {
    assert.throws(() => parseConfig(raw, {}), /sources\[0\]\.provider\.endpoint: "http:\/\/10\.0\.0\.5" is plain http/);
    const config = parseConfig(raw, { ALLOW_HTTP_PROVIDERS: 'true' });
    const jpeg = await skyJpeg();
    const f = scriptedFetch((url) =>
      url.hostname === '10.0.0.5'
        ? new Response(null, { status: 302, headers: { location: 'http://10.0.0.9/pic.jpg' } })
        : new Response(jpeg, { headers: { 'content-type': 'image/jpeg' } }),
    );
    const refused = createProviderAdapter(config.sources[0]!, config, f, new FixedClock(NOW));
    await assert.rejects(
      refused.reader(plan).next(call),
      (err: unknown) => err instanceof ProviderRedirectError && /plain http to 10\.0\.0\.9/.test(err.message),
    );
    const allowed = createProviderAdapter(config.sources[0]!, config, f, new FixedClock(NOW), { allowHttp: true });
    const step = await allowed.reader(plan).next(call);
    assert.equal(step.records[0]?.image?.bytes.length, jpeg.length);
    assert.deepEqual(f.seen.at(-1)?.headers, { accept: 'image/jpeg, image/png' });
  });
});
