import { API_KEY_HEADER } from '../../shared/sources/ProviderApi';
import { jsonResponse } from './jsonResponse';
import type { ObservationFeed } from './ObservationFeed';
import type { ProviderBehaviour } from './ProviderBehaviour';
import type { ProviderRoute } from './ProviderRoute';
import { parseObservationsQuery } from './parseObservationsQuery';

/** Our native feed (shared/sources/ProviderApi.ts): `GET /observations?since=&limit=&site=`, paged by publishedAt. */
export function observationsRoute(
  feed: ObservationFeed,
  behaviour: ProviderBehaviour,
  sites: readonly string[],
): ProviderRoute {
  return {
    path: /^\/observations$/,
    pattern: '/observations',
    key: { kind: 'header', name: API_KEY_HEADER },
    respond: ({ query, now }) => {
      const page = feed.page(parseObservationsQuery(query, sites), now);
      return jsonResponse(200, { items: behaviour.wireItems(page.items, now), next: page.next });
    },
  };
}
