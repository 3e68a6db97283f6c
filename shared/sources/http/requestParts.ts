import type { AuthConfig } from '../../config/providerSchemas';
import { ProviderUrlError } from '../ProviderError';
import { expandTemplate } from '../../util/urlTemplate';

/** The site a request is for, as the placeholders see it. */
export interface SiteRef {
  id: string;
  latitude: number;
  longitude: number;
}

/** The secrets of an auth block (redacted from every message). */
export function authSecrets(auth: AuthConfig): string[] {
  switch (auth.kind) {
    case 'header':
    case 'query':
      return [auth.value];
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    default:
      return [];
  }
}

/** The query parameters that carry a credential (HttpFetcher keeps them within the endpoint's origin). */
export function credentialQuery(auth: AuthConfig): Record<string, string> {
  return auth.kind === 'query' ? { [auth.name]: auth.value } : {};
}

/** The request headers: the protocol's accept, the configured ones, and the credentials (all sent only to the endpoint's origin). */
export function requestHeaders(
  auth: AuthConfig,
  configured: Readonly<Record<string, string>>,
  accept: string,
): Record<string, string> {
  const headers: Record<string, string> = { accept, ...configured };
  if (auth.kind === 'header') headers[auth.name] = auth.value;
  if (auth.kind === 'bearer') headers['authorization'] = `Bearer ${auth.token}`;
  if (auth.kind === 'basic')
    headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return headers;
}

/**
 * The URL of one request: the endpoint, the path and query with their placeholders filled (path values as encoded
 * segments), and a query key. It never leaves the endpoint's scheme, host and port.
 */
export function requestUrl(
  source: string,
  endpoint: string,
  request: { path: string; query: Readonly<Record<string, string>> },
  values: Readonly<Record<string, string>>,
  auth: AuthConfig,
): URL {
  const base = new URL(endpoint);
  const path = expandTemplate(request.path, values, encodeURIComponent);
  // A value that is a whole "." or ".." segment (a provider site id) would climb out of the endpoint's path.
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path))
    throw new ProviderUrlError(
      source,
      `the request path ${JSON.stringify(path)} has a "." or ".." segment: it would leave the endpoint ${endpoint}`,
    );
  const url = new URL(endpoint.replace(/\/+$/, '') + path);
  for (const [name, template] of Object.entries(request.query))
    url.searchParams.set(name, expandTemplate(template, values));
  if (auth.kind === 'query') url.searchParams.set(auth.name, auth.value);
  if (url.origin !== base.origin)
    throw new ProviderUrlError(
      source,
      `the request ${JSON.stringify(`${url.origin}${url.pathname}`)} would leave the endpoint ${base.origin}`,
    );
  return url;
}

/** The values of the site placeholders. */
export function siteValues(
  site: SiteRef | undefined,
  providerIds: Readonly<Record<string, string>>,
): Record<string, string> {
  if (!site) return {};
  return {
    site: site.id,
    providerSiteId: providerIds[site.id] ?? site.id,
    latitude: String(site.latitude),
    longitude: String(site.longitude),
  };
}
