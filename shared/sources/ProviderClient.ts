import type { NativeProviderConfig } from '../config/providerSchemas';
import { type Clock, systemClock } from '../time/Clock';
import { API_KEY_HEADER } from './ProviderApi';
import { type CrossOriginRedirect, type FetchedBody, HttpFetcher } from './http/HttpFetcher';
import { ProviderPageError, ProviderUrlError } from './ProviderError';
import { parseIsoTime } from '../time/parseIsoTime';
import { type ReceivedRecord, parsePageBody } from './parsePageBody';

/** Options of ProviderClient. */
export interface ProviderClientOptions {
  /** Largest page body read, in bytes; a longer one is rejected as a bad page (its first bytes are kept). */
  maxPageBytes: number;
  /** How far in the future a page's `next` may lie (clock skew between provider and us), ms. */
  maxFutureMs: number;
  /** Plain http redirect targets on hosts that are not loopback are followed (ALLOW_HTTP_PROVIDERS=true). */
  allowHttp: boolean;
}

export const DEFAULT_PROVIDER_CLIENT_OPTIONS: ProviderClientOptions = {
  maxPageBytes: 16 * 1024 * 1024,
  maxFutureMs: 5 * 60_000,
  allowHttp: false,
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
  private readonly http: HttpFetcher;

  constructor(
    readonly source: string,
    private readonly provider: NativeProviderConfig,
    fetchImpl: typeof fetch = fetch,
    private readonly clock: Clock = systemClock,
    options: Partial<ProviderClientOptions> = {},
  ) {
    this.options = { ...DEFAULT_PROVIDER_CLIENT_OPTIONS, ...options };
    this.http = new HttpFetcher(source, [provider.apiKey], fetchImpl, { allowHttp: this.options.allowHttp });
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
    const now = call.now ?? this.clock.now();
    const { bytes, truncated, contentType } = await this.get(url, this.options.maxPageBytes, call, now, 'refuse');
    const bad = (why: string): ProviderPageError => {
      // Parse errors quote the body near the fault: a provider echoing our key there must not put it in a log.
      const reason = this.redact(why);
      return new ProviderPageError(
        this.source,
        `GET ${url.pathname} answered a body that is not a page: ${reason}`,
        bytes,
        contentType,
        reason,
      );
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

  /**
   * The bytes behind an item's `imageUrl`, at most `maxBytes` + 1 of them, with the declared content type. The URL is
   * a path under the endpoint (an absolute one is refused); the provider may redirect it to a CDN, which is followed
   * without the key.
   */
  async image(imageUrl: string, call: ProviderCall & { maxBytes: number }): Promise<ReceivedImage> {
    const url = new URL(this.urlFor(imageUrl));
    const { bytes, truncated, contentType } = await this.get(
      url,
      call.maxBytes,
      call,
      call.now ?? this.clock.now(),
      'without-credentials',
    );
    return { bytes, contentType, oversized: truncated };
  }

  /** The cursor of the next page (ISO, or null: nothing more), or why it cannot be followed. */
  private checkNext(next: unknown, since: Date, now: Date): { next: string | null } | { reason: string } {
    if (next === null || next === undefined) return { next: null };
    const t = parseIsoTime(next, 'next');
    if (typeof t === 'string') return { reason: t };
    // A cursor that does not move would make the ingester read the same page forever.
    if (t.getTime() <= since.getTime())
      return { reason: `"next" ${t.toISOString()} does not advance past since ${since.toISOString()}` };
    if (t.getTime() > now.getTime() + this.options.maxFutureMs)
      return { reason: `"next" ${t.toISOString()} is in the future (now ${now.toISOString()})` };
    return { next: t.toISOString() };
  }

  private urlFor(path: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
      throw new ProviderUrlError(
        this.source,
        `returned an absolute image URL ${JSON.stringify(this.redact(path.slice(0, 100)))}; expected a path under its endpoint`,
      );
    }
    const url = this.provider.endpoint.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
    if (!URL.canParse(url))
      throw new ProviderUrlError(
        this.source,
        `returned an image path ${JSON.stringify(this.redact(path.slice(0, 100)))} that makes no valid URL`,
      );
    return url;
  }

  /** A GET with the key, which only the endpoint's origin receives; `crossOrigin` says what a redirect elsewhere does. */
  private get(
    url: URL,
    maxBytes: number,
    call: ProviderCall,
    now: Date,
    crossOrigin: CrossOriginRedirect,
  ): Promise<FetchedBody> {
    const headers = { [API_KEY_HEADER]: this.provider.apiKey, accept: 'application/json, image/*' };
    return this.http.get(url, {
      headers,
      crossOrigin,
      timeoutMs: call.timeoutMs ?? this.provider.timeoutMs,
      maxBytes,
      now,
    });
  }

  private redact(text: string): string {
    return this.http.redact(text);
  }
}
