import { ProviderHttpError, ProviderRedirectError, ProviderTimeoutError, ProviderUnreachableError } from '../ProviderError';
import { parseRetryAfter } from '../parseRetryAfter';
import { redactSecret } from '../redactSecret';

/** One GET's limits. */
export interface GetOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Largest body read, bytes; a longer one is cut at maxBytes + 1 and flagged `truncated`. */
  maxBytes: number;
  /** The app's now, for Retry-After dates. */
  now: Date;
}

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
 * A bounded GET for one provider: a per-request timeout, a body size limit that stops reading instead of buffering a
 * hostile answer, redirects never followed, and typed ProviderErrors whose messages never carry a secret (the URL's
 * query, which may hold a key, is left out; anything echoed is redacted).
 */
export class HttpFetcher {
  constructor(
    readonly source: string,
    private readonly secrets: readonly string[],
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async get(url: URL, o: GetOptions): Promise<FetchedBody> {
    const signal = AbortSignal.timeout(o.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { headers: o.headers, signal, redirect: 'manual' });
    } catch (err) {
      throw this.failure(url, err, o.timeoutMs);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get('location');
      const to = location === null ? 'without a Location' : `to ${JSON.stringify(this.redact(describeLocation(location, url)))}`;
      throw new ProviderRedirectError(this.source, `GET ${url.pathname} answered HTTP ${res.status} pointing ${to}; redirects are never followed (requests go only to ${url.origin})`, res.status);
    }
    if (!res.ok) {
      const { bytes } = await this.readBody(res, MAX_ERROR_BODY_BYTES, url, signal, o.timeoutMs).catch(() => ({ bytes: Buffer.alloc(0) }));
      const text = this.redact(bytes.toString('utf8').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200));
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), o.now);
      throw new ProviderHttpError(this.source, `GET ${url.pathname} answered HTTP ${res.status}${text ? `: ${text}` : ''}`, res.status, retryAfterMs);
    }
    const { bytes, truncated } = await this.readBody(res, o.maxBytes, url, signal, o.timeoutMs);
    return { bytes, truncated, contentType: res.headers.get('content-type') ?? '', headers: res.headers };
  }

  /** `text` with every secret of this provider replaced. */
  redact(text: string): string {
    return redactSecret(text, this.secrets);
  }

  /** At most `max` + 1 bytes of the body (truncated: there was more), without reading the rest. */
  private async readBody(res: Response, max: number, url: URL, signal: AbortSignal, timeoutMs: number): Promise<{ bytes: Buffer; truncated: boolean }> {
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

  private failure(url: URL, err: unknown, timeoutMs: number, when = ''): ProviderTimeoutError | ProviderUnreachableError {
    const e = err instanceof Error ? err : new Error(String(err));
    const suffix = when ? ` ${when}` : '';
    // No `cause`: the original error's text is not redacted, and hosts print causes with the error.
    if (e.name === 'TimeoutError') return new ProviderTimeoutError(this.source, `GET ${url.pathname}: no answer within ${timeoutMs} ms${suffix}`);
    const code = (e.cause as { code?: unknown } | undefined)?.code;
    const detail = this.redact(`${e.message}${typeof code === 'string' ? ` (${code})` : ''}`.split('\n')[0] ?? '');
    return new ProviderUnreachableError(this.source, `GET ${url.pathname} failed${suffix}: ${detail}`);
  }
}

/** Where a redirect points, without its query (it may carry a token). */
function describeLocation(location: string, base: URL): string {
  try {
    const to = new URL(location, base);
    return `${to.origin}${to.pathname}`;
  } catch {
    return location.slice(0, 100);
  }
}
