import { API_KEY_HEADER } from '../../shared/sources/ProviderApi';
import type { ObservationFeed } from './ObservationFeed';
import type { ProviderBehaviour } from './ProviderBehaviour';
import { ProviderRequestError } from './ProviderRequestError';
import type { ProviderRoute } from './ProviderRoute';

/**
 * A camera vendor's "latest picture" endpoint: `GET /snapshot/<siteId>.png` answers the newest published picture,
 * with `Last-Modified` its observation time, so a poller that only sees "now" still learns when it was taken.
 */
export function snapshotRoute(
  feed: ObservationFeed,
  behaviour: ProviderBehaviour,
  sites: readonly string[],
  render: (site: string, observedAt: Date) => Buffer,
): ProviderRoute {
  return {
    path: /^\/snapshot\/([^/]+)\.png$/,
    pattern: '/snapshot/<siteId>.png',
    key: { kind: 'header', name: API_KEY_HEADER },
    respond: ({ segments: [site = ''], now }) => {
      if (!sites.includes(site))
        throw new ProviderRequestError(
          404,
          'NOT_FOUND',
          `unknown site "${site}"; expected one of ${sites.map((s) => `"${s}"`).join(', ')}`,
        );
      const observedAt = feed.latestPublished(site, now);
      if (observedAt === null)
        throw new ProviderRequestError(404, 'NOT_FOUND', `no picture of site "${site}" is published yet`);
      const png = behaviour.imageBytes(render(site, observedAt), site, observedAt);
      return {
        status: 200,
        // The next poll may find a newer picture: a cache must ask again.
        headers: {
          'content-type': 'image/png',
          'last-modified': observedAt.toUTCString(),
          'cache-control': 'no-cache',
        },
        body: png,
      };
    },
  };
}
