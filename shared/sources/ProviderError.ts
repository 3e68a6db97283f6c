import type { RetryDecision } from '../util/RetryDecision';

/** The stable codes of a failed provider call, as logged, recorded in the breaker state and shown by /api/health. */
export type ProviderErrorCode =
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_TIMEOUT'
  | 'PROVIDER_HTTP'
  | 'PROVIDER_BAD_PAGE'
  | 'PROVIDER_BAD_URL'
  | 'PROVIDER_REDIRECT';

/**
 * A provider call failed. Each subclass has a stable code and says whether a retry can help (`canRetry()`) and how
 * long the provider asked us to wait (`retryAfter()`). Messages never carry the API key (ProviderClient redacts it).
 */
export abstract class ProviderError extends Error implements RetryDecision {
  abstract readonly code: ProviderErrorCode;
  /** How many calls were made before giving up (set by callWithRetry). */
  attempts = 1;

  constructor(
    readonly source: string,
    message: string,
    /** HTTP status, when the provider answered. */
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(`provider "${source}": ${message}`);
    this.name = new.target.name;
  }

  canRetry(): boolean {
    return false;
  }

  /** How long the provider asked to wait before the next call, in milliseconds, when it said so. */
  retryAfter(): number | undefined {
    return undefined;
  }

  /** Notes that the call was given up after `attempts` calls, and why, in the message. */
  gaveUp(attempts: number, why: string): this {
    this.attempts = attempts;
    this.message += ` (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${why})`;
    return this;
  }
}

/** The provider could not be reached (DNS, refused or reset connection). Retryable. */
export class ProviderUnreachableError extends ProviderError {
  readonly code = 'PROVIDER_UNREACHABLE';
  override canRetry(): boolean {
    return true;
  }
}

/** The provider did not answer within the per-request timeout. Retryable. */
export class ProviderTimeoutError extends ProviderError {
  readonly code = 'PROVIDER_TIMEOUT';
  override canRetry(): boolean {
    return true;
  }
}

/** The provider answered with a non-2xx status. Retryable for 5xx, 408 and 429 (honouring Retry-After); not for other 4xx. */
export class ProviderHttpError extends ProviderError {
  readonly code = 'PROVIDER_HTTP';
  constructor(
    source: string,
    message: string,
    override readonly status: number,
    private readonly retryAfterMs?: number,
  ) {
    super(source, message, status);
  }

  override canRetry(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }

  override retryAfter(): number | undefined {
    return this.canRetry() ? this.retryAfterMs : undefined;
  }
}

/**
 * The provider answered 200 with a body that is not a page: not JSON, no `items` array, a `next` that is not a
 * time or does not advance. Carries the raw body, which the ingester quarantines whole. Retryable: a later call may
 * get a good page; a page that stays broken fails every run until the circuit breaker opens and health shows it.
 */
export class ProviderPageError extends ProviderError {
  readonly code = 'PROVIDER_BAD_PAGE';
  // Private: a host printing the error must not print what the provider sent (it may echo our key).
  readonly #body: Buffer;

  constructor(
    source: string,
    message: string,
    body: Buffer,
    /** The declared content type. */
    readonly contentType: string,
    /** Why the page was rejected, without the source prefix (the quarantine reason). */
    readonly reason: string,
  ) {
    super(source, message, 200);
    this.#body = body;
  }

  /** What the provider sent (at most the page size limit + 1 byte). */
  get body(): Buffer {
    return this.#body;
  }

  override canRetry(): boolean {
    return true;
  }
}

/** A path the provider gave us points outside its endpoint. Not retryable: the same item will point there again. */
export class ProviderUrlError extends ProviderError {
  readonly code = 'PROVIDER_BAD_URL';
}

/**
 * The provider answered with a redirect that is not followed (HttpFetcher decides each hop): data redirected to
 * another origin than the endpoint's, any https to plain http, plain http to a host that is not loopback (without
 * ALLOW_HTTP_PROVIDERS), no usable Location, or too many redirects. The credentials never went there. Not
 * retryable: the configured endpoint is wrong, or the provider (or someone in the middle) is hostile.
 */
export class ProviderRedirectError extends ProviderError {
  readonly code = 'PROVIDER_REDIRECT';
}
