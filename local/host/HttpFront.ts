import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadedFunction } from './AppRegistry';
import type { InvocationOutcome, TriggerInput } from './FunctionInvoker';
import { HttpRouteTemplate } from './HttpRouteTemplate';
import type {
  RpcHttpCookie,
  RpcHttpData,
  RpcInvocationResponse,
  RpcNullableString,
  RpcTypedData,
} from './workerContract';

/** The Functions host's request size limit (100 MB). */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** One HTTP-triggered function and where it listens. */
export interface HttpRoute {
  fn: LoadedFunction;
  template: HttpRouteTemplate;
  /** Upper-case methods the trigger accepts. */
  methods: readonly string[];
}

/** What the HTTP front needs from the host. */
export interface HttpFrontDeps {
  invoke(fn: LoadedFunction, input: TriggerInput): Promise<InvocationOutcome>;
  warn(message: string): void;
}

/**
 * The host's HTTP front door: routes `/<routePrefix>/<route>` by method to HTTP-triggered functions, hands them the
 * request as the host's RPC http data and writes back the RPC http response the library returns. Like Core
 * Tools (which serves every function as anonymous when it runs locally), it does not check `authLevel` keys: a
 * `function` or `admin` route answers without `code` or `x-functions-key`, and a key sent anyway is passed through
 * unread. Nor does it emulate App Service Authentication; in Azure both are enforced in front of the app.
 */
export class HttpFront {
  readonly #routes: HttpRoute[];
  readonly #server: Server;
  #closing = false;

  constructor(
    routes: HttpRoute[],
    readonly routePrefix: string,
    private readonly deps: HttpFrontDeps,
  ) {
    this.#routes = [...routes].sort((a, b) => HttpRouteTemplate.compare(a.template, b.template));
    this.#server = createServer((req, res) => {
      // While stopping, let each connection end with its response instead of idling in keep-alive.
      if (this.#closing) res.setHeader('connection', 'close');
      res.once('finish', () => {
        if (this.#closing) this.#server.closeIdleConnections();
      });
      this.#handle(req, res).catch((err: unknown) => {
        this.deps.warn(`HTTP ${req.method ?? ''} ${req.url ?? ''} failed in the host: ${String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal Server Error' });
        else res.destroy();
      });
    });
  }

  /** Starts listening; resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`http://${shownHost}:${address.port}`);
      });
    });
  }

  /** Stops accepting requests and closes idle keep-alive connections; requests in progress finish. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#closing = true;
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const prefix = this.routePrefix === '' ? '' : `/${this.routePrefix}`;
    const lowerPath = url.pathname.toLowerCase();
    let found: { route: HttpRoute; params: Record<string, string> } | undefined;
    if (prefix === '' || lowerPath === prefix || lowerPath.startsWith(`${prefix}/`)) {
      const rest = url.pathname.slice(prefix.length);
      for (const route of this.#routes) {
        if (!route.methods.includes(method)) continue;
        const params = route.template.match(rest);
        if (params !== undefined) {
          found = { route, params };
          break;
        }
      }
    }
    if (found === undefined) {
      req.resume();
      sendJson(res, 404, { error: 'Not Found', message: `no function handles ${method} ${url.pathname}` });
      return;
    }

    const body = await readBody(req);
    if (body === 'too-large') {
      sendJson(res, 413, { error: 'Payload Too Large' });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const query: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
    const http: RpcHttpData = {
      method,
      url: url.toString(),
      headers,
      query,
      params: found.params,
      nullableHeaders: toNullable(headers),
      nullableQuery: toNullable(query),
      nullableParams: toNullable(found.params),
    };
    if (body.length > 0) http.body = { bytes: body };
    const triggerMetadata: Record<string, RpcTypedData> = {
      Query: { json: JSON.stringify(query) },
      Headers: { json: JSON.stringify(headers) },
    };
    for (const [name, value] of Object.entries(found.params)) triggerMetadata[name] = { string: value };

    const outcome = await this.deps.invoke(found.route.fn, {
      data: { http },
      triggerMetadata,
      reason: `This function was programmatically called via the host APIs.`,
    });
    if (!outcome.ok) {
      // Never leak the error or its stack to the caller; the host log has both under this invocation id.
      sendJson(res, 500, { error: 'Internal Server Error', invocationId: outcome.invocationId });
      return;
    }
    writeResponse(res, httpResponseOf(found.route.fn, outcome.response));
  }
}

/** The http output of an invocation: the `$return` binding or a named `http` output. */
function httpResponseOf(fn: LoadedFunction, response: RpcInvocationResponse | undefined): RpcHttpData | undefined {
  const returnBinding = fn.metadata.bindings['$return'];
  if (returnBinding !== undefined && returnBinding.type?.toLowerCase() === 'http')
    return response?.returnValue?.http ?? undefined;
  for (const output of response?.outputData ?? []) {
    const binding = output.name === null || output.name === undefined ? undefined : fn.metadata.bindings[output.name];
    if (binding?.type?.toLowerCase() === 'http') return output.data?.http ?? undefined;
  }
  return undefined;
}

function writeResponse(res: ServerResponse, http: RpcHttpData | undefined): void {
  if (http === undefined) {
    // The function set no response.
    res.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? '200');
  for (const [name, value] of Object.entries(http.headers ?? {})) res.setHeader(name, value);
  const cookies = (http.cookies ?? []).map(toSetCookie);
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.statusCode = Number.isInteger(status) && status >= 100 ? status : 200;
  res.end(bodyBytes(http.body));
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (body === null || body === undefined) return Buffer.alloc(0);
  if (body.bytes !== null && body.bytes !== undefined) return Buffer.from(body.bytes);
  if (typeof body.string === 'string') return Buffer.from(body.string);
  if (typeof body.json === 'string') return Buffer.from(body.json);
  if (typeof body.int === 'number') return Buffer.from(String(body.int));
  if (typeof body.double === 'number') return Buffer.from(String(body.double));
  return Buffer.alloc(0);
}

function toSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires?.seconds !== undefined && expires.seconds !== null) {
    parts.push(`Expires=${new Date(expires.seconds * 1000 + Math.floor((expires.nanos ?? 0) / 1e6)).toUTCString()}`);
  }
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None', none: undefined }[cookie.sameSite ?? 'none'];
  if (sameSite !== undefined) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

function toNullable(map: Record<string, string>): Record<string, RpcNullableString> {
  const result: Record<string, RpcNullableString> = {};
  for (const [key, value] of Object.entries(map)) result[key] = { value };
  return result;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return 'too-large';
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
