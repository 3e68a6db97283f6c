import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A recorded exchange of test/fixtures/consumption: the request the SDK must make and the answer it gets. */
export interface ConsumptionFixture {
  about: string;
  request: { method: string; path: string; query: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

/** What the server saw of one request (the token's presence, never its value, is what tests look at). */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

const FIXTURES = resolve(__dirname, '../../../../test/fixtures/consumption');

export function loadFixture(name: string): ConsumptionFixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as ConsumptionFixture;
}

/**
 * A local Azure Resource Manager stand-in over HTTPS (the SDK refuses bearer tokens over plain HTTP), answering
 * each request with the next queued fixture. Its certificate is made for this run by the machine's openssl,
 * and `agent` trusts exactly that certificate, so TLS verification stays on.
 */
export class ConsumptionTestServer {
  readonly seen: SeenRequest[] = [];
  private readonly queue: ConsumptionFixture[] = [];

  private constructor(
    private readonly server: Server,
    private readonly certDir: string,
    /** `https://127.0.0.1:<port>`, the endpoint to give the reader. */
    readonly endpoint: string,
    /** An HTTPS agent that trusts the server's self-signed certificate. */
    readonly agent: Agent,
  ) {}

  static async start(): Promise<ConsumptionTestServer> {
    const certDir = mkdtempSync(join(tmpdir(), 'consumption-cert-'));
    const keyFile = join(certDir, 'key.pem');
    const certFile = join(certDir, 'cert.pem');
    try {
      // Test-only, one-day certificate for 127.0.0.1; nothing is committed.
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
          '-keyout',
          keyFile,
          '-out',
          certFile,
        ],
        { stdio: 'pipe' },
      );
    } catch (err) {
      rmSync(certDir, { recursive: true, force: true });
      throw new Error(
        `the Consumption API test server needs openssl on the PATH to make its test certificate: ${(err as Error).message}`,
      );
    }
    const key = readFileSync(keyFile);
    const cert = readFileSync(certFile);
    let self: ConsumptionTestServer | undefined;
    const server = createServer({ key, cert }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      self?.seen.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
      });
      const fixture = self?.queue.shift();
      const problem = !fixture
        ? 'no answer queued for this request'
        : req.method !== fixture.request.method || url.pathname !== fixture.request.path
          ? `expected ${fixture.request.method} ${fixture.request.path}, got ${req.method} ${url.pathname}`
          : (Object.entries(fixture.request.query)
              .filter(([k, v]) => url.searchParams.get(k) !== v)
              .map(([k, v]) => `expected query ${k}=${v}, got ${k}=${url.searchParams.get(k) ?? '(none)'}`)[0] ?? null);
      if (!fixture || problem) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'TestServerMismatch', message: problem ?? 'unexpected request' } }));
        return;
      }
      res.writeHead(fixture.response.status, fixture.response.headers);
      res.end(JSON.stringify(fixture.response.body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    self = new ConsumptionTestServer(
      server,
      certDir,
      `https://127.0.0.1:${port}`,
      new Agent({ ca: cert, keepAlive: false }),
    );
    return self;
  }

  /** Queues answers, by fixture name or as fixtures, for the next requests in order. */
  answer(...fixtures: (string | ConsumptionFixture)[]): this {
    for (const f of fixtures) this.queue.push(typeof f === 'string' ? loadFixture(f) : f);
    return this;
  }

  /** Forgets what was seen and queued (between tests). */
  reset(): void {
    this.seen.length = 0;
    this.queue.length = 0;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
    rmSync(this.certDir, { recursive: true, force: true });
  }
}
