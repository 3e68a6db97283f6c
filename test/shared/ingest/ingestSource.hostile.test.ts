import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProviderPageError, ProviderRedirectError, ProviderUrlError } from '../../../shared/sources/ProviderError';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { skyJpeg } from '../../support/images';
import {
  CAMERA,
  camera,
  configOf,
  csvLogger,
  LOGGER,
  rejection,
  rig,
  SOLAREDGE,
  SOLAREDGE_KEY,
  solarEdge,
  type SourceSpec,
} from './httpProviderRig';
import { storedPictures } from '../../support/storedPictures';

/** A fetch that records each call with its options and answers from `answer`. */
function recordingFetch(answer: (url: URL) => Response) {
  const calls: { url: URL; init: RequestInit | undefined }[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push({ url, init });
    return answer(url);
  };
  return Object.assign(impl as typeof fetch, { calls });
}

const sources: { name: string; spec: SourceSpec; origin: string }[] = [
  {
    name: 'http-json',
    spec: { fields: ['power_kw'], provider: solarEdge(), target: { field: 'power_kw', unit: 'kW' } },
    origin: SOLAREDGE,
  },
  { name: 'http-csv', spec: { fields: ['power_kw', 'ghi_wm2'], provider: csvLogger() }, origin: LOGGER },
  {
    name: 'snapshot',
    spec: { kind: 'image', fields: ['brightness'], provider: camera({ from: 'fetch' }) },
    origin: CAMERA,
  },
];

/** Every secret of the three providers: none may appear in a message or reach another origin. */
const SECRETS = /stolen-123|api_key|L4QLVQ|cam-secret|logger-token|dmlld2Vy/;

describe('a redirect to another origin: data refused, pictures fetched without credentials, never to plain http', () => {
  for (const { name, spec, origin } of sources) {
    for (const status of [301, 302, 303, 307, 308]) {
      test(`${name}: ${status} from https to plain http on another host: one call, redirect "manual"; a non-retryable ProviderRedirectError`, async () => {
        const fetchImpl = recordingFetch(
          () =>
            new Response('<a href="http://evil.example/collect">moved</a>', {
              status,
              headers: { location: 'http://evil.example/collect?token=stolen-123', 'content-type': 'text/html' },
            }),
        );
        const t = rig(spec, { now: '2026-06-01T12:00:00Z', initialSince: '2026-06-01T11:00:00Z', fetchImpl });
        // Retries are on (4): a redirect must not be retried either.
        const err = await rejection(t.run({ retry: { maxRetries: 4 } }));
        assert.ok(err instanceof ProviderRedirectError, String(err));
        assert.equal(err.code, 'PROVIDER_REDIRECT');
        assert.equal(err.canRetry(), false);
        assert.equal(err.status, status);
        assert.equal(fetchImpl.calls.length, 1);
        const [call] = fetchImpl.calls;
        assert.equal(call?.url.origin, origin);
        assert.equal(call?.init?.redirect, 'manual');
        assert.match(
          err.message,
          new RegExp(
            `answered HTTP ${status} pointing to "http://evil\\.example/collect": an https request is never redirected to plain http`,
          ),
        );
        assert.doesNotMatch(err.message, SECRETS, "neither the redirect's query nor our secrets");
        assert.deepEqual(
          [t.blobs.names(CONTAINERS.raw), storedPictures(t.blobs), await t.watermark()],
          [[], [], undefined],
        );
      });
    }
  }

  for (const { name, spec, origin } of sources.filter((s) => s.name !== 'snapshot')) {
    test(`${name}: 302 to another https origin: refused, naming both origins; the other origin is never asked`, async () => {
      const fetchImpl = recordingFetch(
        () => new Response('', { status: 302, headers: { location: 'https://evil.example/collect?token=stolen-123' } }),
      );
      const t = rig(spec, { now: '2026-06-01T12:00:00Z', initialSince: '2026-06-01T11:00:00Z', fetchImpl });
      const err = await rejection(t.run({ retry: { maxRetries: 4 } }));
      assert.ok(err instanceof ProviderRedirectError, String(err));
      assert.equal(err.canRetry(), false);
      assert.equal(fetchImpl.calls.length, 1);
      assert.match(
        err.message,
        new RegExp(
          `pointing to "https://evil\\.example/collect", another origin than ${origin.replace(/\./g, '\\.')}; not followed`,
        ),
      );
      assert.doesNotMatch(err.message, SECRETS);
      assert.deepEqual([t.blobs.names(CONTAINERS.raw), await t.watermark()], [[], undefined]);
    });
  }

  test('snapshot: 302 to a CDN on another https origin: the picture is stored; the CDN gets no Authorization and no configured header', async () => {
    const jpeg = await skyJpeg();
    const fetchImpl = recordingFetch((url) =>
      url.origin === CAMERA
        ? new Response('', { status: 302, headers: { location: 'https://cdn.example/snap/1.jpg?sig=abc' } })
        : new Response(jpeg, { headers: { 'content-type': 'image/jpeg' } }),
    );
    const t = rig(
      {
        kind: 'image',
        fields: ['brightness'],
        provider: { ...camera({ from: 'fetch' }), headers: { 'x-camera-tenant': 'tenant-7' } },
      },
      { now: '2026-06-01T12:00:00Z', fetchImpl },
    );
    await t.run();
    assert.equal(storedPictures(t.blobs).length, 1);
    assert.deepEqual(
      fetchImpl.calls.map((c) => [c.url.origin, Object.keys(c.init?.headers ?? {}).sort()]),
      [
        [CAMERA, ['accept', 'authorization', 'x-camera-tenant']],
        ['https://cdn.example', ['accept']],
      ],
    );
    assert.equal(fetchImpl.calls[1]?.url.searchParams.get('sig'), 'abc');
    assert.doesNotMatch(JSON.stringify(fetchImpl.calls[1]), SECRETS);
  });
});

describe('the request cannot leave the endpoint', () => {
  test('a provider site id that is a ".." segment is refused before any request (ProviderUrlError, not retryable)', async () => {
    const provider = { ...solarEdge(), endpoint: `${SOLAREDGE}/v2`, sites: { 'park-1': '..' } };
    const fetchImpl = recordingFetch(() => assert.fail('no request may be made'));
    const t = rig(
      { fields: ['power_kw'], provider, target: { field: 'power_kw', unit: 'kW' } },
      { now: '2026-06-01T12:00:00Z', initialSince: '2026-06-01T11:00:00Z', fetchImpl },
    );
    const err = await rejection(t.run({ retry: { maxRetries: 4 } }));
    assert.ok(err instanceof ProviderUrlError, String(err));
    assert.equal(err.canRetry(), false);
    assert.match(
      err.message,
      /the request path "\/site\/\.\.\/power" has a "\." or "\.\." segment: it would leave the endpoint https:\/\/monitoringapi\.solaredge\.example\/v2/,
    );
    assert.equal(fetchImpl.calls.length, 0);
  });

  test('a provider site id with "/" or "?" stays one encoded path segment under the endpoint', async () => {
    const provider = { ...solarEdge(), endpoint: `${SOLAREDGE}/v2`, sites: { 'park-1': '../x?y=1#z/evil.example' } };
    const fetchImpl = recordingFetch(
      () => new Response('{"power":{"values":[]}}', { headers: { 'content-type': 'application/json' } }),
    );
    const t = rig(
      { fields: ['power_kw'], provider, target: { field: 'power_kw', unit: 'kW' } },
      { now: '2026-06-01T12:00:00Z', initialSince: '2026-06-01T11:00:00Z', fetchImpl },
    );
    await t.run();
    const url = fetchImpl.calls[0]?.url;
    assert.equal(url?.origin, SOLAREDGE);
    assert.equal(url?.pathname, '/v2/site/..%2Fx%3Fy%3D1%23z%2Fevil.example/power');
    assert.equal(url?.searchParams.get('api_key'), SOLAREDGE_KEY);
  });

  test('the endpoint is no template: a placeholder in it is refused by the configuration', () => {
    assert.throws(
      () =>
        configOf({
          fields: ['power_kw'],
          provider: { ...solarEdge(), endpoint: 'https://{providerSiteId}.solaredge.example' },
        }),
      (err: Error) => {
        assert.match(
          err.message,
          /sources\[0\]\.provider\.endpoint: "https:\/\/\{providerSiteId\}\.solaredge\.example" holds a placeholder/,
        );
        return true;
      },
    );
  });
});

/** A body of `total` bytes streamed in 64 KiB chunks made on demand; counts what was pulled and whether it was cancelled. */
function hugeBody(total: number, chunk: Buffer) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      controller.enqueue(new Uint8Array(chunk));
      state.pulled += chunk.length;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe('an oversized response is refused without reading it to the end', () => {
  const MiB = 1024 * 1024;
  const jsonChunk = Buffer.from('{"date":"2026-06-01 12:00:00","value":1234.5},'.repeat(1400).slice(0, 64 * 1024));
  const cases = [
    {
      name: 'http-json',
      provider: solarEdge({ maxResponseBytes: MiB }),
      fields: ['power_kw'],
      head: '{"power":{"values":[',
    },
    {
      name: 'http-csv',
      provider: csvLogger({ maxResponseBytes: MiB }),
      fields: ['power_kw', 'ghi_wm2'],
      head: 'Zeitstempel;Leistung [W];Einstrahlung [W/m2]\n',
    },
  ];
  for (const c of cases) {
    test(`${c.name}: a 100 MB body against maxResponseBytes 1 MiB`, async () => {
      let body: ReturnType<typeof hugeBody> | undefined;
      const fetchImpl = recordingFetch(() => {
        body = hugeBody(100 * 1000 * 1000, Buffer.concat([Buffer.from(c.head), jsonChunk]).subarray(0, 64 * 1024));
        return new Response(body.stream, {
          headers: { 'content-type': c.name === 'http-json' ? 'application/json' : 'text/csv' },
        });
      });
      const t = rig(
        { fields: c.fields, provider: c.provider },
        { now: '2026-06-01T12:00:00Z', initialSince: '2026-06-01T11:00:00Z', fetchImpl },
      );
      const started = performance.now();
      const err = await rejection(t.run());
      const elapsed = performance.now() - started;
      assert.ok(err instanceof ProviderPageError, String(err));
      assert.equal(
        err.reason,
        `the body is larger than maxResponseBytes ${MiB} (sources[0].provider.maxResponseBytes)`,
      );
      assert.ok(body);
      assert.ok(body.state.pulled < 4 * MiB, `reading stopped: ${body.state.pulled} bytes pulled of 100 MB`);
      assert.equal(body.state.cancelled, true, 'the stream was cancelled');
      assert.ok(elapsed < 5_000, `${elapsed} ms`);
      const [entry] = await t.quarantined();
      assert.equal(entry?.bin?.length, MiB + 1, 'the first maxResponseBytes + 1 bytes are kept');
      assert.deepEqual(t.blobs.names(CONTAINERS.raw), []);
    });
  }

  test('snapshot: a picture over maxImageBytes is cut at the limit and quarantined; nothing stored', async () => {
    const picture = await skyJpeg(64);
    const padded = Buffer.concat([picture, Buffer.alloc(3 * 1024 * 1024)]);
    const fetchImpl = recordingFetch(() => new Response(padded, { headers: { 'content-type': 'image/jpeg' } }));
    const t = rig(
      { kind: 'image', fields: ['brightness'], provider: camera({ from: 'fetch' }), maxImageBytes: 100_000 },
      { now: '2026-06-01T12:00:00Z', fetchImpl },
    );
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [0, 1]);
    const [entry] = await t.quarantined();
    assert.match(entry?.reason ?? '', /image is larger than maxImageBytes 100000/);
    assert.equal(entry?.bin?.length, 100_001);
    assert.deepEqual(storedPictures(t.blobs), []);
  });
});
