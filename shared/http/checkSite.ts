import type { QueryError } from './checkQueryParameters';
import { echoQueryText } from './echoQueryText';

/** Longest site id (the configuration allows 40). */
export const MAX_SITE_LENGTH = 40;

/** How every endpoint lists the sites it accepts, for its 400 answers. */
export function expectedSites(sites: readonly string[]): string {
  return `expected one of ${sites.map((id) => `"${id}"`).join(', ')}`;
}

/** The 400 answer for a non-empty `site` that is too long or not configured; undefined when it is a configured site. */
export function checkSite(site: string, sites: readonly string[]): QueryError | undefined {
  const expected = expectedSites(sites);
  if (site.length > MAX_SITE_LENGTH)
    return {
      error: `query parameter "site" is ${site.length} characters long, not a configured site; ${expected}`,
      parameter: 'site',
    };
  if (!sites.includes(site))
    return {
      error: `query parameter "site" is ${echoQueryText(site)}, not a configured site; ${expected}`,
      parameter: 'site',
    };
  return undefined;
}
