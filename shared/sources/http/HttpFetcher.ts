import { plainHttpProblem } from '../../config/plainHttpProblem';
import {
  ProviderHttpError,
  ProviderRedirectError,
  ProviderTimeoutError,
  ProviderUnreachableError,
} from '../ProviderError';
import { parseRetryAfter } from '../parseRetryAfter';
import { redactSecret } from '../redactSecret';

/**
 * What a redirect to another origin (scheme, host and port) than the request's does:
 * - `refuse`: a ProviderRedirectError, not retryable. For data (pages, windows): what we store as the provider's
 *   values comes only from the endpoint the configuration names.
 * - `without-credentials`: followed, but with none of the request's headers except `accept`, and without any
 *   credential query parameter (or any parameter carrying a secret). For pictures, which providers legitimately
 *   serve from a CDN or a storage account with a signed URL.
 */
export type CrossOriginRedirect = 'refuse' | 'without-credentials';

/** One GET's limits. */
export interface GetOptions {
  /** Request headers, credentials and configured headers included: sent only to the origin of the requested URL. */
  headers: Record<string, string>;
  /** Query parameters that carry a credential: set on every request to the requested URL's origin, removed from any other. */
  credentialQuery?: Readonly<Record<string, string>>;
  /** What a redirect to another origin does; default `refuse`. */
  crossOrigin?: CrossOriginRedirect;
  timeoutMs: number;
  /** Largest body read, bytes; a longer one is cut at maxBytes + 1 and flagged `truncated`. */
  maxBytes: number;
  /** The app's now, for Retry-After dates. */
  now: Date;
}

/** Options of HttpFetcher. */
export interface HttpFetcherOptions {
  /** Redirects followed per GET; one more is a ProviderRedirectError (a loop, or a provider sending us around). */
  maxRedirects: number;
  /** Plain http redirect targets on hosts that are not loopback are followed (ALLOW_HTTP_PROVIDERS=true). */
  allowHttp: boolean;
}

export const DEFAULT_HTTP_FETCHER_OPTIONS: HttpFetcherOptions = {
  maxRedirects: 3,
  allowHttp: false,
};

/** A 2xx answer: at most maxBytes + 1 bytes of its body, and its headers. */
export interface FetchedBody {
  bytes: Buffer;
  truncated: boolean;
  contentType: string;
  headers: Headers;
}

/** How much of an error answer's body is read for the message, in bytes. */
export const MAX_ERROR_BODY_BYTES = 4096;

/**
 * A bounded GET for one provider: a per-request timeout (for the whole redirect chain), a body size limit that stops
 * reading instead of buffering a hostile answer, and typed ProviderErrors whose messages never carry a secret (the
 * URL's query, which may hold a key, is left out; anything echoed is redacted).
 *
 * Redirects are followed here, never by fetch (`redirect: 'manual'`), so the credentials never go where the
 * provider (or anyone in the middle) points: within the requested URL's origin with them, up to maxRedirects; to
 * another origin as `crossOrigin` says; never from https to plain http; to plain http elsewhere only under the
 * rule of plainHttpProblem.
 */
export class HttpFetcher {
  private readonly options: HttpFetcherOptions;

  constructor(
    readonly source: string,
    private readonly secrets: readonly string[],
    private readonly fetchImpl: typeof fetch = fetch,
    options: Partial<HttpFetcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_HTTP_FETCHER_OPTIONS, ...options };
  }

  async get(url: URL, o: GetOptions): Promise<FetchedBody> {
    const signal = AbortSignal.timeout(o.timeoutMs);
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const sameOrigin = current.origin === url.origin;
      const target = sameOrigin
        ? withQuery(current, o.credentialQuery ?? {})
        : this.withoutSecrets(current, Object.keys(o.credentialQuery ?? {}));
      const headers = sameOrigin ? o.headers : acceptOnly(o.headers);
      let res: Response;
      try {
        res = await this.fetchImpl(target, { headers, signal, redirect: 'manual' });
      } catch (err) {
        throw this.failure(target, err, o.timeoutMs);
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        current = this.redirectTarget(url, current, res, redirects, o.crossOrigin ?? 'refuse');
        continue;
      }
      if (!res.ok) {
        const { bytes } = await this.readBody(res, MAX_ERROR_BODY_BYTES, target, signal, o.timeoutMs).catch(() => ({
          bytes: Buffer.alloc(0),
        }));
        const text = this.redact(
          bytes
            .toString('utf8')
            .replace(/[\u0000-\u001f\u007f]+/g, ' ')
            .trim()
            .slice(0, 200),
        );
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), o.now);
        throw new ProviderHttpError(
          this.source,
          `GET ${describePath(url, target)} answered HTTP ${res.status}${text ? `: ${text}` : ''}`,
          res.status,
          retryAfterMs,
        );
      }
      const { bytes, truncated } = await this.readBody(res, o.maxBytes, target, signal, o.timeoutMs);
      return { bytes, truncated, contentType: res.headers.get('content-type') ?? '', headers: res.headers };
    }
  }

  /** Where a 3xx answer to `current` sends us, or the ProviderRedirectError (not retryable) that says why not. */
  private redirectTarget(
    start: URL,
    current: URL,
    res: Response,
    redirects: number,
    crossOrigin: CrossOriginRedirect,
  ): URL {
    const location = res.headers.get('location');
    const answered = `GET ${describePath(start, current)} answered HTTP ${res.status}`;
    const refuse = (why: string): ProviderRedirectError =>
      new ProviderRedirectError(this.source, `${answered} ${why}`, res.status);
    if (location === null)
      throw refuse(`without a Location; expected the answer itself or a redirect within ${start.origin}`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw refuse(`pointing to ${JSON.stringify(this.redact(location.slice(0, 100)))}, which is no URL`);
    }
    // protocol//host, not origin: a file: or data: URL has the origin "null".
    const to = `pointing to ${JSON.stringify(this.redact(`${next.protocol}//${next.host}${next.pathname}`.slice(0, 200)))}`;
    if (redirects >= this.options.maxRedirects)
      throw refuse(
        `${to} after ${redirects} redirects; not followed: more than ${this.options.maxRedirects} redirects`,
      );
    if (current.protocol === 'https:' && next.protocol === 'http:')
      throw refuse(`${to}: an https request is never redirected to plain http`);
    const transport = plainHttpProblem(next, this.options.allowHttp);
    if (transport) throw refuse(`${to}: not followed: ${transport}`);
    if (next.origin !== start.origin && crossOrigin === 'refuse') {
      throw refuse(
        `${to}, another origin than ${start.origin}; not followed: data is read only from the endpoint's origin, and only it receives the credentials`,
      );
    }
    return next;
  }

  /** `url` without the credential parameters and without any parameter whose value carries a secret. */
  private withoutSecrets(url: URL, names: readonly string[]): URL {
    const out = new URL(url);
    for (const name of names) out.searchParams.delete(name);
    for (const [name, value] of [...out.searchParams]) {
      if (this.redact(value) !== value || this.redact(name) !== name) out.searchParams.delete(name);
    }
    return out;
  }

  /** `text` with every secret of this provider replaced. */
  redact(text: string): string {
    return redactSecret(text, this.secrets);
  }

  /** At most `max` + 1 bytes of the body (truncated: there was more), without reading the rest. */
  private async readBody(
    res: Response,
    max: number,
    url: URL,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<{ bytes: Buffer; truncated: boolean }> {
    if (!res.body) return { bytes: Buffer.alloc(0), truncated: false };
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
        total += value.byteLength;
        if (total > max) {
          await reader.cancel().catch(() => undefined);
          return { bytes: Buffer.concat(chunks).subarray(0, max + 1), truncated: true };
        }
      }
    } catch (err) {
      throw this.failure(url, signal.aborted ? signal.reason : err, timeoutMs, 'while reading the body');
    }
    return { bytes: Buffer.concat(chunks), truncated: false };
  }

  private failure(
    url: URL,
    err: unknown,
    timeoutMs: number,
    when = '',
  ): ProviderTimeoutError | ProviderUnreachableError {
    const e = err instanceof Error ? err : new Error(String(err));
    const suffix = when ? ` ${when}` : '';
    // No `cause`: the original error's text is not redacted, and hosts print causes with the error.
    if (e.name === 'TimeoutError')
      return new ProviderTimeoutError(this.source, `GET ${url.pathname}: no answer within ${timeoutMs} ms${suffix}`);
    const code = (e.cause as { code?: unknown } | undefined)?.code;
    const detail = this.redact(`${e.message}${typeof code === 'string' ? ` (${code})` : ''}`.split('\n')[0] ?? '');
    return new ProviderUnreachableError(this.source, `GET ${url.pathname} failed${suffix}: ${detail}`);
  }
}

/** The path of a request for messages: the path alone within the first request's origin, with the origin elsewhere; never the query. */
function describePath(start: URL, url: URL): string {
  return url.origin === start.origin ? url.pathname : `${url.origin}${url.pathname}`;
}

/** `url` with `params` set (credentials within the endpoint's origin; a same-origin Location may have dropped them). */
function withQuery(url: URL, params: Readonly<Record<string, string>>): URL {
  const entries = Object.entries(params);
  if (entries.length === 0) return url;
  const out = new URL(url);
  for (const [name, value] of entries) out.searchParams.set(name, value);
  return out;
}

/** The headers another origin may see: only what kind of answer we take. */
function acceptOnly(headers: Readonly<Record<string, string>>): Record<string, string> {
  const accept = Object.entries(headers).find(([name]) => name.toLowerCase() === 'accept');
  return accept ? { accept: accept[1] } : {};
}
