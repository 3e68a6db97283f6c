import type { SourceConfig } from '../../shared/config/ForecastConfig';
import { nativeProvider } from './nativeProvider';
import { NativeAdapter } from '../../shared/sources/NativeAdapter';
import { ProviderClient } from '../../shared/sources/ProviderClient';
import { type FetchScript, json, scriptedFetch } from './scriptedFetch';
import type { FixedClock } from './fixedClock';

/**
 * A provider for ingestion tests: `/observations` answers the next of the queued page bodies (or the fallback
 * once they are used up), `/images/...` answers from `images` by path. A queued entry may be a Response or a
 * function making one (a failure, a slow answer).
 */
export class FakeProvider {
  readonly pages: (string | Response | (() => Response | Promise<Response>))[] = [];
  readonly images = new Map<string, Response | (() => Response | Promise<Response>)>();
  /** Answer when no page is queued: nothing new. */
  fallback: () => Response = () => json({ items: [], next: null });
  readonly fetch: ReturnType<typeof scriptedFetch>;
  readonly client: NativeAdapter;

  constructor(source: SourceConfig, clock: FixedClock) {
    const script: FetchScript = async (url) => {
      if (url.pathname.endsWith('/observations')) {
        const next = this.pages.shift();
        if (next === undefined) return this.fallback();
        if (typeof next === 'string') return json(next);
        return typeof next === 'function' ? next() : next;
      }
      const image = this.images.get(decodeURIComponent(url.pathname.replace(/^.*?\/images\//, '/images/')));
      if (image === undefined) return json({ error: 'no such image' }, 404);
      return typeof image === 'function' ? image() : image.clone();
    };
    this.fetch = scriptedFetch(script);
    this.client = new NativeAdapter(new ProviderClient(source.id, nativeProvider(source.provider), this.fetch, clock));
  }

  /** Calls made to a path kind so far. */
  calls(kind: 'observations' | 'images'): number {
    return this.fetch.seen.filter((r) =>
      kind === 'observations' ? r.url.pathname.endsWith('/observations') : r.url.pathname.includes('/images/'),
    ).length;
  }
}

/** A page body with the given item texts (raw, so tests can send NaN or malformed records). */
export function pageBody(items: readonly string[], next: string | null = null): string {
  return `{"items":[${items.join(',')}],"next":${next === null ? 'null' : JSON.stringify(next)}}`;
}
