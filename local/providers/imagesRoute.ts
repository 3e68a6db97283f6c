import { API_KEY_HEADER } from '../../shared/sources/ProviderApi';
import type { ObservationFeed } from './ObservationFeed';
import type { ProviderBehaviour } from './ProviderBehaviour';
import { ProviderRequestError } from './ProviderRequestError';
import type { ProviderRoute } from './ProviderRoute';

/** The pictures our native feed links to: `GET /images/<site>/<observedAt ISO>.png`, once published. */
export function imagesRoute(
  feed: ObservationFeed,
  behaviour: ProviderBehaviour,
  sites: readonly string[],
  render: (site: string, observedAt: Date) => Buffer,
): ProviderRoute {
  return {
    path: /^\/images\/([^/]+)\/([^/]+)\.png$/,
    pattern: '/images/<site>/<observedAt>.png',
    key: { kind: 'header', name: API_KEY_HEADER },
    respond: ({ segments: [site = '', observedText = ''], now }) => {
      const observedAt = new Date(observedText);
      if (!sites.includes(site) || Number.isNaN(observedAt.getTime()) || !feed.isReadable(site, observedAt, now)) {
        // Same answer for "never" and "not yet": a client cannot read an image before the provider publishes it.
        throw new ProviderRequestError(404, 'NOT_FOUND', `no published image for site "${site}" at "${observedText}"`);
      }
      const png = behaviour.imageBytes(render(site, observedAt), site, observedAt);
      return {
        status: 200,
        headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' },
        body: png,
      };
    },
  };
}
