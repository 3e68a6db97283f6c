import type { ProviderConfig } from '../config/ForecastConfig';
import { type Clock, systemClock } from '../time/Clock';
import { API_KEY_HEADER } from './ProviderApi';
import { ProviderHttpError, ProviderPageError, ProviderTimeoutError, ProviderUnreachableError, ProviderUrlError } from './ProviderError';
import { parseIsoTime } from './parseIsoTime';
import { type ReceivedRecord, parsePageBody } from './parsePageBody';
import { parseRetryAfter } from './parseRetryAfter';
import { redactSecret } from './redactSecret';

/** Options of ProviderClient. */
export interface ProviderClientOptions {
  /** Largest page body read, in bytes; a longer one is rejected as a bad page (its first bytes are kept). */
  maxPageBytes: number;
  /** How far in the future a page's `next` may lie (clock skew between provider and us), ms. */
  maxFutureMs: number;
  /** How much of an error answer's body is read for the message, in bytes. */
  maxErrorBodyBytes: number;
}

export const DEFAULT_PROVIDER_CLIENT_OPTIONS: ProviderClientOptions = {
  maxPageBytes: 16 * 1024 * 1024,
  maxFutureMs: 5 * 60_000,
  maxErrorBodyBytes: 4096,
};

/** A page as received: each item's value and exact text, and the cursor of the next page (validated). */
export interface ReceivedPage {
  items: ReceivedRecord[];
  next: string | null;
  /** Size of the body, bytes. */
  bytes: number;
}

/** An image as received. */
export interface ReceivedImage {
  /** The bytes; when `oversized`, only the first maxBytes + 1 of them (the rest was not read). */
  bytes: Buffer;
  contentType: string;
  /** The provider sent more than the maxBytes asked for. */
  oversized: boolean;
}

/** Per-call settings. */
export interface ProviderCall {
  /** Per-request timeout, ms; default: the provider's `timeoutMs`. Callers lower it to stay inside a time budget. */
  timeoutMs?: number;
  /** The app's now (the providers' clock; virtual in the local stack), for `next` and Retry-After dates; default the client's clock. */
  now?: Date;
}

/**
 * Reads one provider's HTTP API (see ProviderApi.ts), one attempt per call: retries and the circuit breaker are the
 * caller's (callWithRetry, CircuitBreaker). Failures are typed ProviderErrors; the API key never appears in them.
 */
export class ProviderClient {
  private readonly options: ProviderClientOptions;

  constructor(
    readonly source: string,
    private readonly provider: ProviderConfig,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly clock: Clock = systemClock,
    options: Partial<ProviderClientOptions> = {},
  ) {
    this.options = { ...DEFAULT_PROVIDER_CLIENT_OPTIONS, ...options };
  }

  /** The configured per-request timeout, ms. */
  get timeoutMs(): number {
    return this.provider.timeoutMs;
  }

  /** One page of items published after `since`. A body that is not a page throws ProviderPageError with the body. */
  async page(since: Date, call: ProviderCall & { limit?: number } = {}): Promise<ReceivedPage> {
    const url = new URL(this.urlFor('/observations'));
    url.searchParams.set('since', since.toISOString());
    url.searchParams.set('limit', String(call.limit ?? this.provider.pageSize));
    const timeoutMs = call.timeoutMs ?? this.provider.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const now = call.now ?? this.clock.now();
    const res = await this.request(url, signal, timeoutMs, now);
    const { bytes, truncated } = await this.readBody(res, this.options.maxPageBytes, url, signal, timeoutMs);
    const contentType = res.headers.get('content-type') ?? '';
    const bad = (why: string): ProviderPageError => {
      // Parse errors quote the body near the fault: a provider echoing our key there must not put it in a log.
      const reason = this.redact(why);
      return new ProviderPageError(this.source, `GET ${url.pathname} answered a body that is not a page: ${reason}`, bytes, contentType, reason);
    };
    if (truncated) throw bad(`body is larger than ${this.options.maxPageBytes} bytes`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw bad('body is not valid UTF-8');
    }
    const parsed = parsePageBody(text);
    if (!parsed.ok) throw bad(parsed.reason);
    const next = this.checkNext(parsed.next, since, now);
    if ('reason' in next) throw bad(next.reason);
    return { items: parsed.items, next: next.next, bytes: bytes.length };
  }

  /** The bytes behind an item's `imageUrl`, at most `maxBytes` + 1 of them, with the declared content type. */
  async image(imageUrl: string, call: ProviderCall & { maxBytes: number }): Promise<ReceivedImage> {
    const url = new URL(this.urlFor(imageUrl));
    const timeoutMs = call.timeoutMs ?? this.provider.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const res = await this.request(url, signal, timeoutMs, call.now ?? this.clock.now());
    const { bytes, truncated } = await this.readBody(res, call.maxBytes, url, signal, timeoutMs);
    return { bytes, contentType: res.headers.get('content-type') ?? '', oversized: truncated };
  }

  /** The cursor of the next page (ISO, or null: nothing more), or why it cannot be followed. */
  private checkNext(next: unknown, since: Date, now: Date): { next: string | null } | { reason: string } {
    if (next === null || next === undefined) return { next: null };
    const t = parseIsoTime(next, 'next');
    if (typeof t === 'string') return { reason: t };
    // A cursor that does not move would make the ingester read the same page forever.
    if (t.getTime() <= since.getTime()) return { reason: `"next" ${t.toISOString()} does not advance past since ${since.toISOString()}` };
    if (t.getTime() > now.getTime() + this.options.maxFutureMs) return { reason: `"next" ${t.toISOString()} is in the future (now ${now.toISOString()})` };
    return { next: t.toISOString() };
  }

  private urlFor(path: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
      throw new ProviderUrlError(this.source, `returned an absolute image URL ${JSON.stringify(this.redact(path.slice(0, 100)))}; expected a path under its endpoint`);
    }
    const url = this.provider.endpoint.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
    if (!URL.canParse(url)) throw new ProviderUrlError(this.source, `returned an image path ${JSON.stringify(this.redact(path.slice(0, 100)))} that makes no valid URL`);
    return url;
  }

  private async request(url: URL, signal: AbortSignal, timeoutMs: number, now: Date): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, { headers: { [API_KEY_HEADER]: this.provider.apiKey, accept: 'application/json, image/*' }, signal });
    } catch (err) {
      throw this.failure(url, err, timeoutMs);
    }
    if (!res.ok) {
      const { bytes } = await this.readBody(res, this.options.maxErrorBodyBytes, url, signal, timeoutMs).catch(() => ({ bytes: Buffer.alloc(0) }));
      const text = this.redact(bytes.toString('utf8').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200));
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now);
      throw new ProviderHttpError(this.source, `GET ${url.pathname} answered HTTP ${res.status}${text ? `: ${text}` : ''}`, res.status, retryAfterMs);
    }
    return res;
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

  private redact(text: string): string {
    return redactSecret(text, [this.provider.apiKey]);
  }
}
