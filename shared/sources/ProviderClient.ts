import type { ProviderConfig } from '../config/ForecastConfig';
import { API_KEY_HEADER, type ProviderItem, type ProviderPage } from './ProviderApi';
import { ProviderError } from './ProviderError';

/** Reads one provider's HTTP API (see ProviderApi.ts). The API key never appears in errors or logs. */
export class ProviderClient {
  constructor(
    readonly source: string,
    private readonly provider: ProviderConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** One page of items published after `since`. */
  async page(since: Date, limit = this.provider.pageSize): Promise<ProviderPage> {
    const url = new URL(this.urlFor('/observations'));
    url.searchParams.set('since', since.toISOString());
    url.searchParams.set('limit', String(limit));
    const res = await this.request(url);
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw new ProviderError(this.source, `answered ${url.pathname} with a body that is not JSON: ${(err as Error).message}`, res.status);
    }
    return parsePage(this.source, body);
  }

  /** The bytes behind an item's `imageUrl`, with the content type the provider declared. */
  async image(imageUrl: string): Promise<{ bytes: Buffer; contentType: string }> {
    const res = await this.request(new URL(this.urlFor(imageUrl)));
    const bytes = Buffer.from(await res.arrayBuffer());
    return { bytes, contentType: res.headers.get('content-type') ?? '' };
  }

  private urlFor(path: string): string {
    if (/^[a-z]+:/i.test(path)) {
      throw new ProviderError(this.source, `returned an absolute image URL ${JSON.stringify(path.slice(0, 100))}; expected a path under its endpoint`);
    }
    return this.provider.endpoint.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  }

  private async request(url: URL): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        headers: { [API_KEY_HEADER]: this.provider.apiKey, accept: 'application/json, image/*' },
        signal: AbortSignal.timeout(this.provider.timeoutMs),
      });
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${this.provider.timeoutMs} ms` : (err as Error).message;
      throw new ProviderError(this.source, `GET ${url.pathname} failed: ${reason}`);
    }
    if (!res.ok) {
      const text = (await res.text().catch(() => '')).slice(0, 200);
      throw new ProviderError(this.source, `GET ${url.pathname} answered HTTP ${res.status}${text ? `: ${text}` : ''}`, res.status);
    }
    return res;
  }
}

function parsePage(source: string, body: unknown): ProviderPage {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { items?: unknown }).items)) {
    throw new ProviderError(source, 'answered with a page that has no "items" array');
  }
  const next = (body as { next?: unknown }).next;
  if (next !== null && next !== undefined && typeof next !== 'string') {
    throw new ProviderError(source, `answered with a "next" that is not a string or null: ${JSON.stringify(next)}`);
  }
  // Items are validated one by one by the ingester, so one bad record cannot sink the page.
  return { items: (body as { items: ProviderItem[] }).items, next: next ?? null };
}
