import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/time/Clock';
import type { WorldSite } from '../world/World';
import { imagesRoute } from './imagesRoute';
import { jsonResponse } from './jsonResponse';
import { neighborsRoute } from './neighborsRoute';
import type { ObservationFeed } from './ObservationFeed';
import { observationsRoute } from './observationsRoute';
import type { ProviderBehaviour } from './ProviderBehaviour';
import { ProviderRequestError } from './ProviderRequestError';
import type { KeyPlace, ProviderResponse, ProviderRoute } from './ProviderRoute';
import { siteMeterRoute } from './siteMeterRoute';
import { snapshotRoute } from './snapshotRoute';
import { weatherRoute } from './weatherRoute';

/** What one provider's request handler needs. */
export interface ProviderHandlerOptions {
  feed: ObservationFeed;
  clock: Clock;
  apiKey: string;
  behaviour: ProviderBehaviour;
  /** Site ids the provider serves. */
  sites: readonly string[];
  /** Where the sites are (the weather vendor shape finds a site by its coordinates); default: none by position. */
  siteLocations?: readonly WorldSite[];
  /** Renders an image (only the skycam provider serves images). */
  renderImage?: (site: string, observedAt: Date) => Buffer;
  /** Where unexpected errors are reported. */
  logError: (message: string) => void;
}

/**
 * The HTTP side of one simulated provider: our native `GET /observations` (shared/sources/ProviderApi.ts), for
 * images `GET /images/<site>/<observedAt>.png` and `GET /snapshot/<site>.png`, and, for each sensor source, one
 * vendor-shaped time-window endpoint, so the local stack exercises the declarative adapters too. Unknown paths are
 * 404 whatever the key; known ones need the key, where that route's vendor carries it.
 */
export function createProviderHandler(o: ProviderHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const expectedKey = Buffer.from(o.apiKey, 'utf8');
  const routes = routesOf(o);
  return (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://provider.invalid');
      const now = o.clock.now();
      const found = findRoute(routes, url.pathname);
      if (!found) {
        throw new ProviderRequestError(
          404,
          'NOT_FOUND',
          `unknown path "${url.pathname}"; this provider serves ${routes.map((r) => r.pattern).join(', ')}`,
        );
      }
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw new ProviderRequestError(
          405,
          'METHOD_NOT_ALLOWED',
          `method ${req.method ?? '?'} not allowed on ${url.pathname}; use GET`,
        );
      }
      if (!keyMatches(keyOf(req, url, found.route.key), expectedKey)) {
        throw new ProviderRequestError(
          401,
          'UNAUTHORIZED',
          `missing or wrong API key in ${describeKeyPlace(found.route.key)}`,
        );
      }
      const override = o.behaviour.intercept({ source: o.feed.source, path: url.pathname, now });
      if (override) {
        send(res, jsonResponse(override.status, override.body, override.headers));
        return;
      }
      send(res, found.route.respond({ segments: found.segments, query: url.searchParams, now }));
    } catch (err) {
      if (err instanceof ProviderRequestError) {
        send(res, jsonResponse(err.status, err.toBody()));
      } else {
        o.logError(
          `provider ${o.feed.source}: ${req.method ?? '?'} ${req.url ?? ''} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        send(res, jsonResponse(500, { error: 'internal error in the simulated provider', code: 'INTERNAL' }));
      }
    }
  };
}

/** The provider's routes: the native ones, then its source's vendor shape. */
function routesOf(o: ProviderHandlerOptions): ProviderRoute[] {
  const routes = [observationsRoute(o.feed, o.behaviour, o.sites)];
  if (o.renderImage) {
    routes.push(
      imagesRoute(o.feed, o.behaviour, o.sites, o.renderImage),
      snapshotRoute(o.feed, o.behaviour, o.sites, o.renderImage),
    );
  }
  switch (o.feed.source) {
    case 'site-meter':
      routes.push(siteMeterRoute(o.feed, o.sites));
      break;
    case 'weather':
      routes.push(weatherRoute(o.feed, o.siteLocations ?? []));
      break;
    case 'neighbors':
      routes.push(neighborsRoute(o.feed, o.sites));
      break;
    case 'skycam':
    case 'nwp':
      break;
  }
  return routes;
}

function findRoute(
  routes: readonly ProviderRoute[],
  pathname: string,
): { route: ProviderRoute; segments: string[] } | undefined {
  for (const route of routes) {
    const m = route.path.exec(pathname);
    if (m) return { route, segments: m.slice(1).map((s) => decodePathPart(s ?? '')) };
  }
  return undefined;
}

/** A path segment with its %-escapes undone; a malformed escape is left as is (the lookup then fails with a 404). */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function keyOf(req: IncomingMessage, url: URL, place: KeyPlace): string | undefined {
  switch (place.kind) {
    case 'header': {
      const v = req.headers[place.name.toLowerCase()];
      return typeof v === 'string' ? v : undefined;
    }
    case 'query': {
      const all = url.searchParams.getAll(place.name);
      return all.length === 1 ? all[0] : undefined;
    }
    case 'bearer':
      return /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  }
}

function describeKeyPlace(place: KeyPlace): string {
  switch (place.kind) {
    case 'header':
      return `the "${place.name}" header`;
    case 'query':
      return `the "${place.name}" query parameter`;
    case 'bearer':
      return 'the "Authorization: Bearer <key>" header';
  }
}

function keyMatches(given: string | undefined, expected: Buffer): boolean {
  if (given === undefined) return false;
  const g = Buffer.from(given, 'utf8');
  // Constant-time comparison, as a real provider would do it.
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function send(res: ServerResponse, r: ProviderResponse): void {
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
  res.end(r.body);
}
