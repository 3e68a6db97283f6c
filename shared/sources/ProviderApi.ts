/**
 * The wire format every provider speaks (the simulated ones in local/providers and, through an adapter where needed,
 * real ones).
 *
 *   GET {endpoint}/observations?since=<ISO>&limit=<n>[&site=<id>]      header x-api-key: <key>
 *   200 { items: ProviderItem[], next: string | null }
 *
 * Items are those *published* after `since` (exclusive) and no later than the provider's now, ordered by
 * publishedAt then site then observedAt. Paging is by publishedAt, not observedAt, so an observation that arrives
 * late is still delivered. A page never splits items that share a publishedAt. `next` is the `since` for the next
 * page, or null when there is nothing more right now.
 *
 * Image items carry `imageUrl` (a path under the endpoint, fetched with the same key; a redirect of it to a CDN on
 * another origin is followed without the key) instead of `values`.
 * 401 when the key is missing or wrong; 400 with `{ error }` for a bad `since` or `limit`.
 */
export interface ProviderItem {
  /** Site id from the configuration. */
  site: string;
  /** When the value was measured (ISO 8601, UTC). */
  observedAt: string;
  /** When the provider made it readable (ISO 8601, UTC). */
  publishedAt: string;
  /** Sensor values by field name. */
  values?: Record<string, number>;
  /** Image sources: path of the picture under the provider endpoint, e.g. `/images/park-1/2026-11-29T07:40:00.000Z.png`. */
  imageUrl?: string;
}

export interface ProviderPage {
  items: ProviderItem[];
  next: string | null;
}

/** Header carrying the provider API key. */
export const API_KEY_HEADER = 'x-api-key';
